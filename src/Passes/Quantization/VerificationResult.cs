// How closely the quantized model's outputs follow the float model's on a few samples.
using System.Text.Json.Serialization;

namespace Onnxc.Passes.Quantization;

public sealed record VerificationResult(
    [property: JsonPropertyName("samples")] int Samples,
    [property: JsonPropertyName("max_abs_error")] double MaxAbsError,
    [property: JsonPropertyName("cosine")] double Cosine,
    [property: JsonPropertyName("top1_agreement")] double? Top1Agreement,
    [property: JsonPropertyName("passed")] bool Passed,
    [property: JsonPropertyName("message")] string Message)
{
    /// <summary>Below this cosine similarity (all outputs of all samples together) the output is grossly wrong.</summary>
    public const double MinCosine = 0.9;

    /// <summary>Below this top-1 agreement with the float model a classifier is grossly wrong.</summary>
    public const double MinTop1Agreement = 0.5;
}
