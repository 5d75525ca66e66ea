// Integer requantization arithmetic shared by every kernel and by the scalar references.
namespace Onnxc.Kernels.Quantization;

/// <summary>
/// The fixed-point requantization used on every accumulator:
/// <code>
/// y = clamp(RoundHalfAway(acc * M / 2^(31 + shift)) + z_y, lo, hi)
/// </code>
/// with M and shift from <see cref="FixedPointMultiplier.FromScale"/> of <c>s_x * s_w / s_y</c>, the
/// product taken exactly in 64 bits and rounded once (half away from zero). lo/hi are the output type's
/// range narrowed by a fused Relu/Clip.
/// <para>
/// Difference to ONNX/QLinear float rounding, <c>y_f = round_half_even(acc * s)</c>: the result is
/// exact up to rounding of the product, so <c>|y - y_f| &lt;= 1</c> always, and <c>y == y_f</c> unless
/// <c>acc * s</c> lies within <c>|acc * s| * 2^-31</c> of a half-integer (ties included: they round away
/// from zero here, to even there). ONNX Runtime's own float32 path carries a relative error of ~2^-24, so
/// both agree "within one quantization step" and nearly always exactly.
/// </para>
/// These methods run inside ILGPU kernels: no allocation, no exceptions, only integer arithmetic.
/// </summary>
public static class FixedPoint
{
    /// <summary>
    /// <c>round(x / 2^n)</c>, ties away from zero, for 1 &lt;= n &lt;= 62 and |x| &lt; 2^62.
    /// </summary>
    public static long RoundingShiftRight(long x, int n)
    {
        long half = 1L << (n - 1);
        long bias = x < 0 ? half - 1 : half;
        return (x + bias) >> n;
    }

    /// <summary><c>round(acc * Multiplier / 2^(31 + shift))</c>, as a 64-bit value (it may exceed int32).</summary>
    public static long Scale(int acc, int multiplier, int shift) =>
        RoundingShiftRight((long)acc * multiplier, 31 + shift);

    /// <summary>The requantized output value, clamped to [lo, hi] (see the type comment).</summary>
    public static int Requantize(int acc, int multiplier, int shift, int zeroPoint, int lo, int hi)
    {
        long y = Scale(acc, multiplier, shift) + zeroPoint;
        if (y < lo)
        {
            return lo;
        }

        return y > hi ? hi : (int)y;
    }

    /// <summary>Clamps an int to [lo, hi].</summary>
    public static int Clamp(long value, int lo, int hi)
    {
        if (value < lo)
        {
            return lo;
        }

        return value > hi ? hi : (int)value;
    }
}
