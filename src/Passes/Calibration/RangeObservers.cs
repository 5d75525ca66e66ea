// The four observers: each turns a tensor's histogram into the range [Low, High] its quantization covers.
namespace Onnxc.Passes.Calibration;

/// <summary>
/// Observers read a <see cref="TensorHistogram"/> and choose a range. Every range includes 0 (so the zero point
/// is exact) and stays within the observed [Min, Max] widened to 0.
/// <para>Levels: a tensor that never went negative is covered by 255 steps on [0, T]; a signed one by about 127
/// per side, so the symmetric searches (entropy, MSE) look for a magnitude T at that resolution and the range is
/// then [max(Min, −T), min(Max, T)].</para>
/// </summary>
public static class RangeObservers
{
    /// <summary>The default percentile of <see cref="CalibrationMethod.Percentile"/>.</summary>
    public const double DefaultPercentile = 99.999;

    /// <summary>The range <paramref name="method"/> chooses for <paramref name="h"/>.</summary>
    public static TensorRange Choose(TensorHistogram h, CalibrationMethod method, double percentile = DefaultPercentile)
    {
        ArgumentNullException.ThrowIfNull(h);
        if (h.Count == 0)
        {
            return new TensorRange(0, 0, 0, 0);
        }

        (double lo, double hi) = method switch
        {
            CalibrationMethod.MinMax => (h.Min, h.Max),
            CalibrationMethod.Percentile => Percentile(h, percentile),
            CalibrationMethod.Entropy => Symmetric(h, EntropyThreshold(h)),
            CalibrationMethod.Mse => Symmetric(h, MseThreshold(h)),
            _ => throw new ArgumentOutOfRangeException(nameof(method)),
        };
        lo = Math.Clamp(lo, Math.Min(h.Min, 0), 0);
        hi = Math.Clamp(hi, 0, Math.Max(h.Max, 0));
        return new TensorRange(h.Min, h.Max, (float)lo, (float)hi);
    }

    /// <summary>
    /// Tails clipped at the P-th percentile on each side: High is the upper edge of the bin where the cumulative
    /// count (from the most negative value up) reaches P% of all values, Low the lower edge of the bin where it
    /// first exceeds (100 − P)%.
    /// </summary>
    public static (double Low, double High) Percentile(TensorHistogram h, double percentile)
    {
        if (percentile is <= 50 or > 100)
        {
            throw new ArgumentOutOfRangeException(nameof(percentile), percentile, "the percentile must be in (50, 100]");
        }

        if (h.BinWidth == 0)
        {
            return (0, 0);
        }

        double w = h.BinWidth;
        int b = h.BinCount;
        double lowTarget = h.Count * (1 - (percentile / 100));
        double highTarget = h.Count * (percentile / 100);
        double? low = null, high = null;
        long cum = 0;

        // Walk the values in increasing order: negative bins from the largest magnitude down, then positive bins.
        for (int k = 0; k < 2 * b && high is null; k++)
        {
            bool negative = k < b;
            int i = negative ? b - 1 - k : k - b;
            long c = negative ? h.Negative[i] : h.Positive[i];
            if (c == 0)
            {
                continue;
            }

            cum += c;
            if (low is null && cum > lowTarget)
            {
                low = negative ? -(i + 1) * w : i * w;
            }

            if (cum >= highTarget)
            {
                high = negative ? -i * w : (i + 1) * w;
            }
        }

        return (low ?? h.Min, high ?? h.Max);
    }

    /// <summary>
    /// The KL-divergence threshold (TensorRT's method) on the magnitude histogram: for each candidate bin count i,
    /// P is the histogram cut at i with the tail added to its last bin, Q is the cut histogram without the tail
    /// merged into the available levels and spread back over its non-empty bins (so clipping mass away costs
    /// divergence, and coarse levels cost it too); the i with least KL(P‖Q) gives T = i·w.
    /// </summary>
    public static double EntropyThreshold(TensorHistogram h)
    {
        if (h.BinWidth == 0)
        {
            return 0;
        }

        long[] m = h.Magnitudes();
        int levels = Levels(h);
        int used = LastNonEmpty(m) + 1;
        if (used <= levels)
        {
            return used * h.BinWidth;
        }

        var suffix = new double[m.Length + 1];
        for (int k = m.Length - 1; k >= 0; k--)
        {
            suffix[k] = suffix[k + 1] + m[k];
        }

        double bestKl = double.PositiveInfinity;
        int best = used;
        var p = new double[used];
        var q = new double[used];
        int step = Math.Max(1, (used - levels) / 256);
        for (int i = levels; i <= used; i += step)
        {
            for (int k = 0; k < i; k++)
            {
                p[k] = m[k];
            }

            p[i - 1] += suffix[i];
            for (int j = 0; j < levels; j++)
            {
                int start = (int)((long)j * i / levels);
                int end = (int)((long)(j + 1) * i / levels);
                double total = 0;
                int nonEmpty = 0;
                for (int k = start; k < end; k++)
                {
                    total += m[k];
                    nonEmpty += m[k] > 0 ? 1 : 0;
                }

                for (int k = start; k < end; k++)
                {
                    q[k] = m[k] > 0 ? total / nonEmpty : 0;
                }
            }

            double kl = Kl(p.AsSpan(0, i), q.AsSpan(0, i));
            if (kl < bestKl)
            {
                bestKl = kl;
                best = i;
            }
        }

        return best * h.BinWidth;
    }

    /// <summary>
    /// The threshold T (a bin edge) minimizing the expected squared error: clipping error Σ_{|x|>T} (|x| − T)² plus
    /// rounding error Δ²/12 for every value inside, Δ = T / levels (values in bin 0, mostly exact zeros, are
    /// taken as exact). Sums over bins use bin centres, with suffix sums so the search is linear.
    /// </summary>
    public static double MseThreshold(TensorHistogram h)
    {
        if (h.BinWidth == 0)
        {
            return 0;
        }

        long[] m = h.Magnitudes();
        double w = h.BinWidth;
        int levels = Levels(h);
        int used = LastNonEmpty(m) + 1;
        var s0 = new double[used + 1];
        var s1 = new double[used + 1];
        var s2 = new double[used + 1];
        for (int k = used - 1; k >= 0; k--)
        {
            double c = (k + 0.5) * w;
            s0[k] = s0[k + 1] + m[k];
            s1[k] = s1[k + 1] + (m[k] * c);
            s2[k] = s2[k + 1] + (m[k] * c * c);
        }

        double bestErr = double.PositiveInfinity;
        int best = used;
        for (int i = 1; i <= used; i++)
        {
            double t = i * w;
            double delta = t / levels;
            double inside = s0[1] - s0[i];
            double clip = s2[i] - (2 * t * s1[i]) + (t * t * s0[i]);
            double err = (inside * delta * delta / 12) + clip;
            if (err < bestErr)
            {
                bestErr = err;
                best = i;
            }
        }

        return best * w;
    }

    private static (double, double) Symmetric(TensorHistogram h, double t) => (Math.Max(h.Min, -t), Math.Min(h.Max, t));

    private static int Levels(TensorHistogram h) => h.Min >= 0 ? 255 : 127;

    private static int LastNonEmpty(long[] m)
    {
        for (int k = m.Length - 1; k >= 0; k--)
        {
            if (m[k] != 0)
            {
                return k;
            }
        }

        return 0;
    }

    private static double Kl(ReadOnlySpan<double> p, ReadOnlySpan<double> q)
    {
        double sp = 0, sq = 0;
        for (int k = 0; k < p.Length; k++)
        {
            sp += p[k];
            sq += q[k];
        }

        double kl = 0;
        for (int k = 0; k < p.Length; k++)
        {
            if (p[k] > 0)
            {
                double pk = p[k] / sp;
                double qk = q[k] > 0 ? q[k] / sq : 1e-12;
                kl += pk * Math.Log(pk / qk);
            }
        }

        return kl;
    }
}
