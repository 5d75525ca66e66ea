// A streaming two-sided histogram of one tensor's values, merged batch by batch in fixed memory.
using System.Numerics.Tensors;

namespace Onnxc.Passes.Calibration;

/// <summary>
/// Counts a tensor's values in <see cref="BinCount"/> bins of width w for magnitudes of non-negative values
/// (bin i holds [i·w, (i+1)·w)) and as many for negative ones (bin i holds (−(i+1)·w, −i·w]). The width is set from
/// the first batch's largest magnitude; when a later batch exceeds B·w, adjacent bin pairs are merged and w doubles
/// until it fits. Merging is exact, so the histogram of all batches does not depend on how they were split beyond
/// that resolution, and memory is 2·B counters per tensor however many samples stream through.
/// </summary>
public sealed class TensorHistogram
{
    private readonly long[] _positive;
    private readonly long[] _negative;

    public TensorHistogram(int binCount = 2048)
    {
        if (binCount < 16 || (binCount & 1) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(binCount), binCount, "use an even bin count of at least 16");
        }

        _positive = new long[binCount];
        _negative = new long[binCount];
        Min = float.PositiveInfinity;
        Max = float.NegativeInfinity;
    }

    public int BinCount => _positive.Length;

    /// <summary>Bin width; 0 until a non-zero value was seen.</summary>
    public double BinWidth { get; private set; }

    public float Min { get; private set; }

    public float Max { get; private set; }

    public long Count { get; private set; }

    /// <summary>Values that were NaN or infinite and were left out.</summary>
    public long NonFiniteCount { get; private set; }

    /// <summary>Counts of non-negative values by magnitude bin.</summary>
    public ReadOnlySpan<long> Positive => _positive;

    /// <summary>Counts of negative values by magnitude bin.</summary>
    public ReadOnlySpan<long> Negative => _negative;

    /// <summary>Adds a batch of values.</summary>
    public void Add(ReadOnlySpan<float> values)
    {
        if (values.IsEmpty)
        {
            return;
        }

        float lo = TensorPrimitives.Min(values);
        float hi = TensorPrimitives.Max(values);
        if (!float.IsFinite(lo) || !float.IsFinite(hi))
        {
            AddSlow(values);
            return;
        }

        Include(lo, hi);
        double inv = BinWidth > 0 ? 1.0 / BinWidth : 0;
        int last = _positive.Length - 1;
        long[] pos = _positive;
        long[] neg = _negative;
        foreach (float v in values)
        {
            if (v >= 0)
            {
                int i = (int)(v * inv);
                pos[i > last ? last : i]++;
            }
            else
            {
                int i = (int)(-v * inv);
                neg[i > last ? last : i]++;
            }
        }

        Count += values.Length;
    }

    /// <summary>
    /// The counts by magnitude regardless of sign (bin i holds |x| in [i·w, (i+1)·w)), which symmetric thresholds
    /// are searched on.
    /// </summary>
    public long[] Magnitudes()
    {
        var m = new long[_positive.Length];
        for (int i = 0; i < m.Length; i++)
        {
            m[i] = _positive[i] + _negative[i];
        }

        return m;
    }

    private void AddSlow(ReadOnlySpan<float> values)
    {
        float lo = float.PositiveInfinity, hi = float.NegativeInfinity;
        foreach (float v in values)
        {
            if (float.IsFinite(v))
            {
                lo = Math.Min(lo, v);
                hi = Math.Max(hi, v);
            }
        }

        if (float.IsFinite(lo))
        {
            Include(lo, hi);
        }

        double inv = BinWidth > 0 ? 1.0 / BinWidth : 0;
        int last = _positive.Length - 1;
        foreach (float v in values)
        {
            if (!float.IsFinite(v))
            {
                NonFiniteCount++;
                continue;
            }

            int i = (int)Math.Abs(v * inv);
            (v >= 0 ? _positive : _negative)[Math.Min(i, last)]++;
            Count++;
        }
    }

    /// <summary>Widens the bins until [lo, hi] fits, and records the new extremes.</summary>
    private void Include(float lo, float hi)
    {
        Min = Math.Min(Min, lo);
        Max = Math.Max(Max, hi);
        double magnitude = Math.Max(Math.Abs((double)lo), Math.Abs((double)hi));
        if (magnitude == 0)
        {
            return;
        }

        if (BinWidth == 0)
        {
            // A little headroom so the maximum itself falls inside the last bin.
            BinWidth = magnitude * (1 + 1e-6) / _positive.Length;
            return;
        }

        while (magnitude >= BinWidth * _positive.Length)
        {
            Halve(_positive);
            Halve(_negative);
            BinWidth *= 2;
        }
    }

    private static void Halve(long[] bins)
    {
        int half = bins.Length / 2;
        for (int i = 0; i < half; i++)
        {
            bins[i] = bins[2 * i] + bins[(2 * i) + 1];
        }

        Array.Clear(bins, half, half);
    }
}
