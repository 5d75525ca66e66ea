// Small numeric helpers shared by verification and evaluation: argmax, top-k, SQNR, percentiles.
namespace Onnxc.Evaluation;

public static class Metrics
{
    /// <summary>The class count when an output of <paramref name="shape"/> is [N, C] (or [N, C, 1, 1]) scores for N samples.</summary>
    public static int? ClassCount(IReadOnlyList<long> shape, int batch)
    {
        if (shape.Count < 2 || shape[0] != batch || shape[1] < 2)
        {
            return null;
        }

        for (int d = 2; d < shape.Count; d++)
        {
            if (shape[d] != 1)
            {
                return null;
            }
        }

        return checked((int)shape[1]);
    }

    public static int ArgMax(ReadOnlySpan<float> v)
    {
        int best = 0;
        for (int i = 1; i < v.Length; i++)
        {
            if (v[i] > v[best])
            {
                best = i;
            }
        }

        return best;
    }

    /// <summary>Whether <paramref name="label"/> is among the <paramref name="k"/> largest scores.</summary>
    public static bool InTopK(ReadOnlySpan<float> v, long label, int k)
    {
        if (label < 0 || label >= v.Length)
        {
            return false;
        }

        float target = v[(int)label];
        int greater = 0;
        for (int i = 0; i < v.Length; i++)
        {
            if (v[i] > target || (v[i] == target && i < label))
            {
                greater++;
            }
        }

        return greater < k;
    }

    /// <summary>Signal-to-quantization-noise ratio in dB: 10·log10(Σx² / Σ(x − y)²); +∞ when equal.</summary>
    public static double Sqnr(double signal, double noise) =>
        noise <= 0 ? double.PositiveInfinity : signal <= 0 ? double.NegativeInfinity : 10 * Math.Log10(signal / noise);

    /// <summary>The p-th percentile (0..100) of <paramref name="sorted"/> by nearest rank.</summary>
    public static double Percentile(IReadOnlyList<double> sorted, double p)
    {
        if (sorted.Count == 0)
        {
            return double.NaN;
        }

        int rank = (int)Math.Ceiling(p / 100 * sorted.Count);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Count - 1)];
    }
}
