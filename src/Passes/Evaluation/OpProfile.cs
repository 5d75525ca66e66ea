// Where a model's time goes in ONNX Runtime: its profiler's per-node kernel times, summed per op type.
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Onnxc.Evaluation.Data;
using Onnxc.GraphIR;

namespace Onnxc.Evaluation;

/// <param name="OpType">The op ORT ran, after its own fusions (MatMulIntegerToFloat, QLinearConv, Gelu, …).</param>
/// <param name="Nodes">How many nodes of that type ran per inference.</param>
/// <param name="MillisecondsPerRun">Their kernel time per inference, the median over the profiled runs.</param>
public sealed record OpTime(
    [property: JsonPropertyName("op")] string OpType,
    [property: JsonPropertyName("nodes")] int Nodes,
    [property: JsonPropertyName("ms")] double MillisecondsPerRun);

/// <param name="Ops">Per op type, slowest first.</param>
/// <param name="RunMilliseconds">Median wall time of one profiled inference (kernel time plus ORT's own overhead).</param>
public sealed record OpProfile(
    [property: JsonPropertyName("ops")] IReadOnlyList<OpTime> Ops,
    [property: JsonPropertyName("runMs")] double RunMilliseconds)
{
    /// <summary>Kernel time of every op, per inference.</summary>
    [JsonPropertyName("kernelMs")]
    public double KernelMilliseconds => Ops.Sum(o => o.MillisecondsPerRun);

    /// <summary>
    /// Runs <paramref name="model"/> on <paramref name="input"/> (warm-up first, unprofiled: ORT profiles a
    /// session from its start, so the warm-up runs' events are dropped by run index) <paramref name="runs"/> times
    /// with ORT's profiler on, and sums each run's node events per op type. The trace goes to a temporary folder
    /// that is removed afterwards.
    /// </summary>
    public static OpProfile Measure(Model model, SampleBatch input, int runs = 10, int warmup = 3)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(runs, 1);
        string dir = Path.Combine(Path.GetTempPath(), "onnxc-profile-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            string trace;
            using (InferenceRunner runner = InferenceRunner.CreateProfiled(model, Path.Combine(dir, "ort")))
            {
                for (int i = 0; i < warmup + runs; i++)
                {
                    runner.Run(input);
                }

                trace = runner.EndProfiling();
            }

            return Parse(File.ReadAllText(trace), warmup);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>
    /// Sums an ORT trace (a JSON array of Chrome trace events): ORT logs a run's "model_run" Session event when the
    /// run ends, so the Node events ending in "_kernel_time" before it belong to that run. Runs before
    /// <paramref name="skipRuns"/> are dropped; each op type's time is the median of its per-run sums.
    /// </summary>
    public static OpProfile Parse(string traceJson, int skipRuns = 0)
    {
        using JsonDocument doc = JsonDocument.Parse(traceJson);
        var runs = new List<Dictionary<string, (int Nodes, double Us)>>();
        var runUs = new List<double>();
        var current = new Dictionary<string, (int Nodes, double Us)>(StringComparer.Ordinal);
        foreach (JsonElement e in doc.RootElement.EnumerateArray())
        {
            string cat = e.TryGetProperty("cat", out JsonElement c) ? c.GetString() ?? "" : "";
            string name = e.TryGetProperty("name", out JsonElement n) ? n.GetString() ?? "" : "";
            double dur = e.TryGetProperty("dur", out JsonElement d) ? d.GetDouble() : 0;
            if (cat == "Session" && name == "model_run")
            {
                runs.Add(current);
                runUs.Add(dur);
                current = new Dictionary<string, (int Nodes, double Us)>(StringComparer.Ordinal);
            }
            else if (cat == "Node" && name.EndsWith("_kernel_time", StringComparison.Ordinal)
                && e.TryGetProperty("args", out JsonElement args) && args.TryGetProperty("op_name", out JsonElement op))
            {
                string opType = op.GetString() ?? "?";
                (int nodes, double us) = current.GetValueOrDefault(opType);
                current[opType] = (nodes + 1, us + dur);
            }
        }

        var kept = runs.Skip(skipRuns).ToList();
        double runMs = Median([.. runUs.Skip(skipRuns).Select(u => u / 1000.0)]);
        var ops = kept.SelectMany(r => r.Keys).Distinct(StringComparer.Ordinal)
            .Select(op => new OpTime(op, kept.Max(r => r.GetValueOrDefault(op).Nodes), Median([.. kept.Select(r => r.GetValueOrDefault(op).Us / 1000.0)])))
            .OrderByDescending(o => o.MillisecondsPerRun).ThenBy(o => o.OpType, StringComparer.Ordinal)
            .ToList();
        return new OpProfile(ops, runMs);
    }

    private static double Median(List<double> values)
    {
        if (values.Count == 0)
        {
            return 0;
        }

        values.Sort();
        return values.Count % 2 == 1 ? values[values.Count / 2] : (values[(values.Count / 2) - 1] + values[values.Count / 2]) / 2;
    }
}

/// <param name="Model">"model" or "baseline".</param>
/// <param name="Batch">The batch size profiled.</param>
public sealed record ProfileEntry(
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("batch")] int Batch,
    [property: JsonPropertyName("profile")] OpProfile Profile)
{
    /// <summary>One line: the run time, the kernel total, then op types slowest first with their share and node count (the top 8, then the rest).</summary>
    public string ToText()
    {
        var ci = CultureInfo.InvariantCulture;
        double total = Math.Max(Profile.KernelMilliseconds, 1e-9);
        IEnumerable<string> top = Profile.Ops.Take(8).Select(o => string.Create(ci, $"{o.OpType} {o.MillisecondsPerRun:F2} ms {100 * o.MillisecondsPerRun / total:F0}% ({o.Nodes})"));
        double rest = Profile.Ops.Skip(8).Sum(o => o.MillisecondsPerRun);
        string tail = Profile.Ops.Count > 8 ? string.Create(ci, $", other {rest:F2} ms {100 * rest / total:F0}%") : "";
        return string.Create(ci, $"profile {Model} batch {Batch}: run {Profile.RunMilliseconds:F2} ms, kernels {Profile.KernelMilliseconds:F2} ms: ") + string.Join(", ", top) + tail;
    }
}
