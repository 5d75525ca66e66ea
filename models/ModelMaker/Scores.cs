// Accuracy and decision margin of a set of logits against the labels.
namespace Onnxc.ModelMaker;

/// <summary>
/// Correct counts images whose arg-max logit (first index on ties) is the label. MinMargin is the smallest gap
/// between the largest and second-largest logit over all images: the size of numeric error (from another
/// runtime's summation order, say) that could flip any prediction.
/// </summary>
internal sealed record Scores(int Correct, int Count, float MinMargin)
{
    public static Scores Of(ReadOnlySpan<float> logits, long[] labels, int classes)
    {
        int correct = 0;
        float minMargin = float.MaxValue;
        for (int n = 0; n < labels.Length; n++)
        {
            ReadOnlySpan<float> z = logits.Slice(n * classes, classes);
            int best = ArgMax(z);
            float second = float.MinValue;
            for (int k = 0; k < classes; k++)
            {
                if (k != best)
                {
                    second = Math.Max(second, z[k]);
                }
            }

            minMargin = Math.Min(minMargin, z[best] - second);
            if (best == labels[n])
            {
                correct++;
            }
        }

        return new Scores(correct, labels.Length, minMargin);
    }

    public double Accuracy => (double)Correct / Count;

    public override string ToString() => $"{Correct} / {Count} = {Accuracy:P2} (smallest top-2 logit margin {MinMargin:G4})";

    /// <summary>The first index of the largest value.</summary>
    private static int ArgMax(ReadOnlySpan<float> z)
    {
        int best = 0;
        for (int k = 1; k < z.Length; k++)
        {
            if (z[k] > z[best])
            {
                best = k;
            }
        }

        return best;
    }
}
