// A quantized average pooling with its per-window-size requantization table folded at compile time.
using Onnxc.Kernels.Quantization;

namespace Onnxc.Kernels.Pool;

/// <summary>
/// AveragePool/GlobalAveragePool in the integer domain:
/// <c>y = clamp(round(sum_window (x - z_x) * s_x / (s_y * count)) + z_y)</c>. The divisor count varies at
/// the borders (padding not counted, ceil-mode windows), so one <see cref="FixedPointMultiplier"/> per count
/// 1..KH*KW is precomputed: index <c>count</c> of <see cref="Multipliers"/>/<see cref="Shifts"/>
/// (index 0 unused). Rounding is a single fixed-point rounding of the exact sum, so the result is within
/// one step of ONNX Runtime's float average (see <see cref="FixedPoint"/>).
/// </summary>
public sealed record PackedAveragePool(PoolGeometry Geometry, QuantParams Input, QuantParams Output, int[] Multipliers, int[] Shifts)
{
    public static PackedAveragePool Create(PoolGeometry geometry, QuantParams input, QuantParams output)
    {
        geometry.Validate();
        int taps = geometry.KernelHeight * geometry.KernelWidth;
        var multipliers = new int[taps + 1];
        var shifts = new int[taps + 1];
        for (int count = 1; count <= taps; count++)
        {
            var fp = FixedPointMultiplier.FromScale((double)input.Scale / ((double)output.Scale * count));
            multipliers[count] = fp.Multiplier;
            shifts[count] = fp.Shift;
        }

        return new PackedAveragePool(geometry, input, output, multipliers, shifts);
    }

    public PoolKernelArgs KernelArgs()
    {
        var a = PoolKernelArgs.From(Geometry);
        a.InputFlip = Input.Type.SignFlip();
        a.InputZeroPoint = Input.SignedZeroPoint;
        a.OutputZeroPoint = Output.ZeroPoint;
        a.OutputLo = Output.Type.MinValue();
        a.OutputHi = Output.Type.MaxValue();
        return a;
    }
}
