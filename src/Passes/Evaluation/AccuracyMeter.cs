// Measures top-1/top-5 of a classifier on labelled sample data through ONNX Runtime.
using Onnxc.Evaluation.Data;

namespace Onnxc.Evaluation;

/// <summary>
/// Accuracy in percent: the first output must be scores [N, classes] (or [N, classes, 1, 1]); a sample counts for
/// top-1 when the argmax is its label and for top-5 when the label is among the five highest scores.
/// </summary>
public static class AccuracyMeter
{
    public static AccuracyResult Measure(InferenceRunner runner, SampleSet data, IReadOnlyList<int>? indices = null, int batchSize = 32)
    {
        ArgumentNullException.ThrowIfNull(runner);
        ArgumentNullException.ThrowIfNull(data);
        if (!data.HasLabels)
        {
            throw new SampleDataException($"{data.Path}: accuracy needs labels (labels.npy beside the .npy file, or labels.txt in the image folder)");
        }

        int batch = data.FixedBatchSize ?? batchSize;
        int n = 0, top1 = 0, top5 = 0;
        var predictions = new List<int>();
        var labels = new List<long>();
        foreach (SampleBatch b in data.Batches(batch, indices))
        {
            OutputTensor scores = runner.Run(b)[0];
            int classes = Metrics.ClassCount(scores.Shape, b.Count)
                ?? throw new InvalidOperationException($"output '{scores.Name}' [{string.Join(",", scores.Shape)}] is not [N, classes] scores");
            for (int s = 0; s < b.Count; s++)
            {
                ReadOnlySpan<float> row = scores.Data.AsSpan(s * classes, classes);
                int p = Metrics.ArgMax(row);
                predictions.Add(p);
                long label = b.Labels![s];
                labels.Add(label);
                top1 += p == label ? 1 : 0;
                top5 += Metrics.InTopK(row, label, 5) ? 1 : 0;
                n++;
            }
        }

        return new AccuracyResult(n, n == 0 ? 0 : 100.0 * top1 / n, n == 0 ? 0 : 100.0 * top5 / n, [.. predictions]) { Labels = [.. labels] };
    }
}
