// One quantized tensor's SQNR against the float model, used to rank what accuracy control keeps in float.
using System.Text.Json.Serialization;

namespace Onnxc.Passes.Quantization;

public sealed record LayerSensitivity(
    [property: JsonPropertyName("node")] string Node,
    [property: JsonPropertyName("op")] string OpType,
    [property: JsonPropertyName("tensor")] string Tensor,
    [property: JsonPropertyName("sqnr_db")] double SqnrDb);
