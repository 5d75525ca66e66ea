// The result of `onnxc eval`: the model's measurement, the baseline's, ratios and per-layer SQNR.
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Onnxc.Evaluation;

public sealed record EvalReport(
    [property: JsonPropertyName("model")] ModelMeasurement Model,
    [property: JsonPropertyName("baseline")] ModelMeasurement? Baseline,
    [property: JsonPropertyName("ratios")] EvalRatios? Ratios,
    [property: JsonPropertyName("layers")] IReadOnlyList<LayerSqnr>? Layers,
    [property: JsonPropertyName("peak_process_memory_bytes")] long PeakProcessMemoryBytes)
{
    private static readonly JsonSerializerOptions s_json = new()
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>The verdict for a --goal, when one was given.</summary>
    [JsonPropertyName("goal")]
    public GoalVerdict? Goal { get; init; }

    /// <summary>ORT profiles (--profile), per model and batch size.</summary>
    [JsonPropertyName("profiles")]
    public IReadOnlyList<ProfileEntry>? Profiles { get; init; }

    public string ToJson() => JsonSerializer.Serialize(this, s_json);

    public string ToText()
    {
        var ci = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        void Line(string label, ModelMeasurement m)
        {
            string acc = m.Accuracy is { } a ? $"top-1 {a.Top1:F2}% top-5 {a.Top5:F2}% ({a.Samples} samples), " : "";
            sb.AppendLine(ci, $"{label}: {m.Path}: {m.FileBytes:N0} bytes, {acc}batch 1 p50 {m.Batch1.P50Ms:F2} ms p90 {m.Batch1.P90Ms:F2} ms, batch {m.BatchB.BatchSize} p50 {m.BatchB.P50Ms:F2} ms p90 {m.BatchB.P90Ms:F2} ms ({m.BatchB.Throughput:F0}/s)");
        }

        Line("model", Model);
        if (Baseline is not null)
        {
            Line("baseline", Baseline);
        }

        if (Ratios is { } r)
        {
            string line = string.Create(ci, $"ratios: size {r.Size:F3}x, speedup batch 1 {r.SpeedupBatch1:F2}x, batch {Model.BatchB.BatchSize} {r.SpeedupBatchB:F2}x")
                + (r.Top1Drop is double d ? string.Create(ci, $", top-1 drop {d:F2} points") : "")
                + (r.Top1Agreement is double ag ? string.Create(ci, $", top-1 agreement {ag:F2}%") : "");
            sb.AppendLine(line);
        }

        foreach (LayerSqnr l in Layers ?? [])
        {
            sb.AppendLine(ci, $"sqnr {l.SqnrDb,7:F1} dB  {l.Tensor}");
        }

        foreach (ProfileEntry p in Profiles ?? [])
        {
            sb.AppendLine(p.ToText());
        }

        sb.AppendLine(ci, $"peak process memory {PeakProcessMemoryBytes / 1e6:F0} MB");
        if (Goal is not null)
        {
            sb.AppendLine(Goal.Line);
        }

        return sb.ToString();
    }
}
