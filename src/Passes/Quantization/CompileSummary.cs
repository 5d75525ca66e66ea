// The record of one INT8 compile: what was quantized and why not, sizes, calibration, verification, fallbacks.
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Onnxc.Passes.Quantization;

/// <summary>What the driver prints after <c>-O int8</c> and writes with <c>--report out.json</c>.</summary>
public sealed record CompileSummary
{
    private static readonly JsonSerializerOptions s_json = new()
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
    };

    [JsonPropertyName("mode")] public string Mode { get; init; } = "int8";

    [JsonPropertyName("format")] public QuantFormat Format { get; init; }

    [JsonPropertyName("target")] public string Target { get; init; } = "";

    /// <summary>Activation and weight encoding in words, e.g. "u8 activations, s8 weights in [-63, 63] per channel".</summary>
    [JsonPropertyName("encoding")] public string Encoding { get; init; } = "";

    [JsonPropertyName("calibration")] public string? Calibration { get; init; }

    [JsonPropertyName("calibration_samples")] public int? CalibrationSamples { get; init; }

    [JsonPropertyName("calibration_seconds")] public double? CalibrationSeconds { get; init; }

    [JsonPropertyName("nodes")] public IReadOnlyList<NodeDecision> Nodes { get; init; } = [];

    [JsonPropertyName("quantized_ops")] public int QuantizedOps => Nodes.Count(n => n.Quantized);

    [JsonPropertyName("float_ops")] public int FloatOps => Nodes.Count(n => !n.Quantized);

    [JsonPropertyName("size_before")] public long SizeBefore { get; init; }

    [JsonPropertyName("size_after")] public long SizeAfter { get; init; }

    [JsonPropertyName("size_ratio")] public double SizeRatio => SizeBefore > 0 ? (double)SizeAfter / SizeBefore : 0;

    /// <summary>Nodes the accuracy control kept in float, most sensitive first.</summary>
    [JsonPropertyName("fallbacks")] public IReadOnlyList<string> Fallbacks { get; init; } = [];

    [JsonPropertyName("accuracy")] public AccuracyControlResult? Accuracy { get; init; }

    [JsonPropertyName("verification")] public VerificationResult? Verification { get; init; }

    public string ToJson() => JsonSerializer.Serialize(this, s_json);

    public void Save(string path) => File.WriteAllText(path, ToJson());

    /// <summary>The human-readable summary: one line per fact, then every float op with its reason.</summary>
    public string ToText()
    {
        var sb = new StringBuilder();
        var ci = CultureInfo.InvariantCulture;
        sb.AppendLine(ci, $"{Mode} ({Format.ToString().ToLowerInvariant()}, target {Target}): {Encoding}");
        if (Calibration is not null)
        {
            sb.AppendLine(ci, $"calibration: {Calibration} on {CalibrationSamples} samples ({CalibrationSeconds:F1} s)");
        }

        sb.AppendLine(ci, $"ops: {QuantizedOps} quantized, {FloatOps} float");
        sb.AppendLine(ci, $"size: {SizeBefore:N0} -> {SizeAfter:N0} bytes ({SizeRatio:F3}x)");
        if (Accuracy is not null)
        {
            sb.AppendLine(ci, $"accuracy: {Accuracy}");
        }

        if (Fallbacks.Count > 0)
        {
            sb.AppendLine(ci, $"kept float for accuracy: {string.Join(", ", Fallbacks)}");
        }

        if (Verification is not null)
        {
            sb.AppendLine(ci, $"verification: {Verification.Message}");
        }

        foreach (IGrouping<string, NodeDecision> group in Nodes.Where(n => !n.Quantized).GroupBy(n => n.Reason))
        {
            sb.AppendLine(ci, $"float: {group.Key}: {string.Join(", ", group.Select(n => $"{n.Node} ({n.OpType})"))}");
        }

        return sb.ToString();
    }
}
