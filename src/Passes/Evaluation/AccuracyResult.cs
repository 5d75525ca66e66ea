// Top-1/top-5 accuracy of a model on labelled samples, with its predictions (for agreement between models).
using System.Text.Json.Serialization;

namespace Onnxc.Evaluation;

public sealed record AccuracyResult(
    [property: JsonPropertyName("samples")] int Samples,
    [property: JsonPropertyName("top1")] double Top1,
    [property: JsonPropertyName("top5")] double Top5,
    [property: JsonIgnore] int[] Predictions)
{
    /// <summary>The label of each sample, in the order of <see cref="Predictions"/>.</summary>
    [JsonIgnore]
    public long[] Labels { get; init; } = [];

    /// <summary>Top-1 in percent per class label (classes that occur in the labels), by label.</summary>
    public SortedDictionary<long, double> Top1PerClass()
    {
        var perClass = new SortedDictionary<long, double>();
        foreach (IGrouping<long, int> g in Labels.Select((label, i) => (label, i)).GroupBy(x => x.label, x => x.i))
        {
            perClass[g.Key] = 100.0 * g.Count(i => Predictions[i] == g.Key) / g.Count();
        }

        return perClass;
    }
}
