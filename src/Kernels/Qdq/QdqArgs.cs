// The scalar arguments of QuantizeLinear/DequantizeLinear kernels.
using System.Runtime.InteropServices;
using Onnxc.Kernels.Quantization;

namespace Onnxc.Kernels.Qdq;

/// <summary>
/// Per-tensor or per-axis parameters of Q/DQ at an island border. The tensor is viewed as
/// <c>[outer][AxisSize][Inner]</c>; element i uses parameter index <c>(i / Inner) % AxisSize</c>
/// (AxisSize = Inner = 1 for per-tensor). Scales and zero points live in device buffers of AxisSize entries.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
public struct QdqArgs
{
    public int AxisSize;
    public int Inner;

    /// <summary>Range of the 8-bit type (QuantizeLinear saturates to it).</summary>
    public int Min;
    public int Max;

    /// <summary>1 for uint8 storage, 0 for int8.</summary>
    public int Unsigned;

    public static QdqArgs Create(QuantElementType type, int axisSize, int inner)
    {
        if (axisSize <= 0 || inner <= 0)
        {
            throw new ArgumentException($"per-axis quantization needs positive axis size and inner size, got {axisSize} and {inner}");
        }

        return new QdqArgs
        {
            AxisSize = axisSize,
            Inner = inner,
            Min = type.MinValue(),
            Max = type.MaxValue(),
            Unsigned = type == QuantElementType.UInt8 ? 1 : 0,
        };
    }

    public readonly int ParameterIndex(int element) => AxisSize == 1 ? 0 : (element / Inner) % AxisSize;
}
