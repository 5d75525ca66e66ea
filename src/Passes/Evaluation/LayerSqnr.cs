// One activation compared between baseline and model: SQNR in dB.
using System.Text.Json.Serialization;

namespace Onnxc.Evaluation;

public sealed record LayerSqnr(
    [property: JsonPropertyName("tensor")] string Tensor,
    [property: JsonPropertyName("sqnr_db")] double SqnrDb);
