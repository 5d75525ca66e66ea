// Latency percentiles of repeated runs at one batch size, and the throughput they imply.
using System.Text.Json.Serialization;

namespace Onnxc.Evaluation;

public sealed record LatencyStats(
    [property: JsonPropertyName("batch")] int BatchSize,
    [property: JsonPropertyName("runs")] int Runs,
    [property: JsonPropertyName("p50_ms")] double P50Ms,
    [property: JsonPropertyName("p90_ms")] double P90Ms)
{
    /// <summary>Samples per second at the median latency.</summary>
    [JsonPropertyName("throughput")]
    public double Throughput => P50Ms > 0 ? BatchSize * 1000.0 / P50Ms : 0;

    /// <summary>Every timed run's milliseconds, sorted (the HTML report's latency distribution).</summary>
    [JsonIgnore]
    public IReadOnlyList<double> Timings { get; init; } = [];

    public static LatencyStats From(int batch, List<double> ms)
    {
        ms.Sort();
        return new LatencyStats(batch, ms.Count, Metrics.Percentile(ms, 50), Metrics.Percentile(ms, 90)) { Timings = [.. ms] };
    }
}
