// Whether one node was quantized, and why (or why not): a line of the compile summary.
using System.Text.Json.Serialization;

namespace Onnxc.Passes.Quantization;

public sealed record NodeDecision(
    [property: JsonPropertyName("node")] string Node,
    [property: JsonPropertyName("op")] string OpType,
    [property: JsonPropertyName("quantized")] bool Quantized,
    [property: JsonPropertyName("reason")] string Reason);
