// The calibrated range of one tensor: what was observed and the range chosen for quantization.
using System.Text.Json.Serialization;

namespace Onnxc.Passes.Calibration;

/// <summary>
/// <see cref="Min"/>/<see cref="Max"/> are the extreme values observed; <see cref="Low"/>/<see cref="High"/> the
/// range the observer chose (Low ≤ 0 ≤ High, so zero is always exactly representable).
/// </summary>
public sealed record TensorRange(
    [property: JsonPropertyName("min")] float Min,
    [property: JsonPropertyName("max")] float Max,
    [property: JsonPropertyName("low")] float Low,
    [property: JsonPropertyName("high")] float High)
{
    /// <summary>True when no negative value was observed (a ReLU output, say).</summary>
    [JsonIgnore]
    public bool IsNonNegative => Min >= 0;
}
