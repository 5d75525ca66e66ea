// Scales and zero points of a QuantizeLinear/DequantizeLinear, per tensor or per axis.
using Onnxc.Kernels.Quantization;

namespace Onnxc.Kernels.Qdq;

/// <summary>
/// Q/DQ parameters. Per-tensor: one scale and zero point. Per-axis: one each per index of the quantized
/// axis, the tensor viewed as <c>[outer][Scales.Length][Inner]</c> (Inner = product of the dims after the axis).
/// </summary>
public sealed record QdqParameters
{
    public QdqParameters(QuantElementType type, float[] scales, int[] zeroPoints, int inner = 1)
    {
        ArgumentNullException.ThrowIfNull(scales);
        ArgumentNullException.ThrowIfNull(zeroPoints);
        if (scales.Length == 0 || scales.Length != zeroPoints.Length)
        {
            throw new ArgumentException($"Q/DQ needs as many zero points as scales (got {scales.Length} and {zeroPoints.Length})");
        }

        foreach (float s in scales)
        {
            if (!(s > 0) || !float.IsFinite(s))
            {
                throw new ArgumentException($"Q/DQ scales must be finite and > 0, got {s}");
            }
        }

        foreach (int z in zeroPoints)
        {
            if (z < type.MinValue() || z > type.MaxValue())
            {
                throw new ArgumentException($"Q/DQ zero point {z} is outside the range of {type}");
            }
        }

        Type = type;
        Scales = scales;
        ZeroPoints = zeroPoints;
        Inner = scales.Length == 1 ? 1 : inner;
        Args = QdqArgs.Create(type, scales.Length, Inner);
    }

    public QuantElementType Type { get; }

    public float[] Scales { get; }

    public int[] ZeroPoints { get; }

    public int Inner { get; }

    public QdqArgs Args { get; }

    public static QdqParameters PerTensor(QuantParams p)
    {
        ArgumentNullException.ThrowIfNull(p);
        return new QdqParameters(p.Type, [p.Scale], [p.ZeroPoint]);
    }
}
