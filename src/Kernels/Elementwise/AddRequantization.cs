// Compile-time constants of a quantized elementwise Add (residual connections).
using System.Runtime.InteropServices;
using Onnxc.Kernels.Quantization;

namespace Onnxc.Kernels.Elementwise;

/// <summary>
/// QLinearAdd: <c>y = clamp(round(((a - z_a) s_a + (b - z_b) s_b) / s_y) + z_y, lo, hi)</c>.
/// Both ratios <c>r_a = s_a / s_y</c>, <c>r_b = s_b / s_y</c> share one exponent:
/// <c>M_a = round(r_a 2^S)</c>, <c>M_b = round(r_b 2^S)</c>, S chosen so the larger lies in [2^30, 2^31). Then
/// <c>y = RoundHalfAway(((a - z_a) M_a + (b - z_b) M_b) / 2^S) + z_y</c>, exact in 64 bits, one rounding.
/// Error of the multipliers: at most <c>255 * max(r_a, r_b) * 2^-31</c> output steps in total, so the
/// result is within one step of the float formula and differs only next to half-integers.
/// Bounds lo/hi come from the output type and a fused Relu/Clip. Plain fields: passed to the kernel.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
public struct AddRequantization
{
    public int MultiplierA;
    public int MultiplierB;

    /// <summary>Total right shift S, in [1, 62].</summary>
    public int Shift;

    public int FlipA;
    public int FlipB;
    public int ZeroPointA;
    public int ZeroPointB;
    public int OutputZeroPoint;
    public int OutputLo;
    public int OutputHi;

    public static AddRequantization Create(QuantParams a, QuantParams b, QuantParams output, FusedActivation activation)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(activation);
        double ra = (double)a.Scale / output.Scale;
        double rb = (double)b.Scale / output.Scale;
        double rmax = Math.Max(ra, rb);
        if (rmax >= FixedPointMultiplier.MaxScale)
        {
            throw new ArgumentOutOfRangeException(nameof(output), "input/output scale ratio of an Add must be < 2^30");
        }

        int shift = 30 - Math.ILogB(rmax);
        if (shift > 62)
        {
            shift = 62;
        }

        long ma = (long)Math.Round(Math.ScaleB(ra, shift), MidpointRounding.AwayFromZero);
        long mb = (long)Math.Round(Math.ScaleB(rb, shift), MidpointRounding.AwayFromZero);
        if (Math.Max(ma, mb) >= 1L << 31)
        {
            shift--;
            ma = (long)Math.Round(Math.ScaleB(ra, shift), MidpointRounding.AwayFromZero);
            mb = (long)Math.Round(Math.ScaleB(rb, shift), MidpointRounding.AwayFromZero);
        }

        var (lo, hi) = activation.QuantizedBounds(output);
        return new AddRequantization
        {
            MultiplierA = (int)ma,
            MultiplierB = (int)mb,
            Shift = shift,
            FlipA = a.Type.SignFlip(),
            FlipB = b.Type.SignFlip(),
            ZeroPointA = a.SignedZeroPoint,
            ZeroPointB = b.SignedZeroPoint,
            OutputZeroPoint = output.ZeroPoint,
            OutputLo = lo,
            OutputHi = hi,
        };
    }

    /// <summary>The output value for stored input bytes <paramref name="a"/> and <paramref name="b"/>; runs in kernels.</summary>
    public readonly int Apply(byte a, byte b)
    {
        int da = (sbyte)(byte)(a ^ FlipA) - ZeroPointA;
        int db = (sbyte)(byte)(b ^ FlipB) - ZeroPointB;
        long sum = ((long)da * MultiplierA) + ((long)db * MultiplierB);
        return FixedPoint.Clamp(FixedPoint.RoundingShiftRight(sum, Shift) + OutputZeroPoint, OutputLo, OutputHi);
    }
}
