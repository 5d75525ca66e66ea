// Model-versus-baseline ratios: size, speedups, accuracy drop and top-1 agreement.
using System.Text.Json.Serialization;

namespace Onnxc.Evaluation;

public sealed record EvalRatios(
    [property: JsonPropertyName("size")] double Size,
    [property: JsonPropertyName("speedup_batch1")] double SpeedupBatch1,
    [property: JsonPropertyName("speedup_batchB")] double SpeedupBatchB,
    [property: JsonPropertyName("top1_drop")] double? Top1Drop,
    [property: JsonPropertyName("top1_agreement")] double? Top1Agreement);
