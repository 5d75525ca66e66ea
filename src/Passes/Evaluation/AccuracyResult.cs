// Top-1/top-5 accuracy of a model on labelled samples, with its predictions (for agreement between models).
using System.Text.Json.Serialization;

namespace Onnxc.Passes.Evaluation;

public sealed record AccuracyResult(
    [property: JsonPropertyName("samples")] int Samples,
    [property: JsonPropertyName("top1")] double Top1,
    [property: JsonPropertyName("top5")] double Top5,
    [property: JsonIgnore] int[] Predictions);
