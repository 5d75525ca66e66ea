// A positive real scale as an int32 Q31 multiplier and a shift, computed on the host.
namespace Onnxc.Kernels.Quantization;

/// <summary>
/// A real factor <c>r</c> represented gemmlowp-style as <c>r' = Multiplier * 2^-(31 + Shift)</c> with
/// <c>Multiplier</c> in [2^30, 2^31) (Q31 in [0.5, 1)) and <c>Shift</c> a right shift (negative = left).
/// <para>
/// Precision: the multiplier is <c>round(r * 2^(31 + Shift))</c> with at least 2^30, so
/// <c>|r' - r| &lt;= r * 2^-31</c>. Factors below 2^-32 become <c>Multiplier = 0</c>: for any int32
/// accumulator <c>|acc * r| &lt; 0.5</c>, which rounds to 0 anyway. Factors of 2^30 or more are rejected
/// (they leave no fraction bits and no quantized graph produces them).
/// </para>
/// </summary>
/// <param name="Multiplier">Q31 mantissa, 0 or in [2^30, 2^31).</param>
/// <param name="Shift">Right shift applied after the Q31 product; total shift is 31 + Shift, in [1, 62].</param>
public readonly record struct FixedPointMultiplier(int Multiplier, int Shift)
{
    /// <summary>Largest factor <see cref="FromScale"/> accepts (exclusive).</summary>
    public const double MaxScale = 1 << 30;

    /// <summary>Splits <paramref name="scale"/> into mantissa and exponent (see the type comment).</summary>
    public static FixedPointMultiplier FromScale(double scale)
    {
        if (!(scale > 0) || !double.IsFinite(scale))
        {
            throw new ArgumentOutOfRangeException(nameof(scale), scale, "a requantization scale must be finite and > 0");
        }

        if (scale >= MaxScale)
        {
            throw new ArgumentOutOfRangeException(nameof(scale), scale, $"a requantization scale must be < 2^30");
        }

        // scale = q * 2^e with q in [0.5, 1).
        int e = Math.ILogB(scale) + 1;
        double q = Math.ScaleB(scale, -e);
        long m = (long)Math.Round(q * (1L << 31), MidpointRounding.AwayFromZero);
        if (m == 1L << 31)
        {
            m >>= 1;
            e++;
        }

        int shift = -e;
        if (31 + shift > 62)
        {
            return new FixedPointMultiplier(0, 0);
        }

        return new FixedPointMultiplier((int)m, shift);
    }

    /// <summary>The real factor this multiplier stands for.</summary>
    public double ToDouble() => Math.ScaleB(Multiplier, -(31 + Shift));
}
