// What the accuracy control measured: float and INT8 top-1 on the eval data and the layers it kept in float.
using System.Globalization;
using System.Text.Json.Serialization;

namespace Onnxc.Passes.Quantization;

public sealed record AccuracyControlResult(
    [property: JsonPropertyName("samples")] int Samples,
    [property: JsonPropertyName("float_top1")] double FloatTop1,
    [property: JsonPropertyName("int8_top1_before")] double InitialInt8Top1,
    [property: JsonPropertyName("int8_top1")] double Int8Top1,
    [property: JsonPropertyName("max_drop")] double MaxDrop,
    [property: JsonPropertyName("met")] bool Met,
    [property: JsonPropertyName("sensitivity")] IReadOnlyList<LayerSensitivity> Sensitivity)
{
    [JsonPropertyName("drop")]
    public double Drop => FloatTop1 - Int8Top1;

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"top-1 {FloatTop1:F2}% float -> {Int8Top1:F2}% int8 ({InitialInt8Top1:F2}% before fallbacks) (drop {Drop:F2} points, limit {MaxDrop:F2}) on {Samples} samples{(Met ? "" : " - LIMIT NOT MET")}");
}
