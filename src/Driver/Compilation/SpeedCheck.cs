// -O int8's speed check: time the INT8 encodings against the float model in ONNX Runtime and keep the fastest.
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Onnxc.Evaluation;
using Onnxc.Evaluation.Data;
using Onnxc.GraphIR;
using Onnxc.Passes.Quantization;

namespace Onnxc.Compilation;

/// <param name="Name">qdq, qoperator, dynamic or float.</param>
/// <param name="Model">The candidate model as it would be written.</param>
/// <param name="Result">The quantization that made it; null for the float model.</param>
internal sealed record EncodingCandidate(string Name, Model Model, QuantizationResult? Result);

/// <param name="Choice">The candidate written: the fastest at the batched size, or the replayed one.</param>
/// <param name="Batch">The batched size timed (the calibration data's fixed batch, else 32).</param>
/// <param name="Medians">Median milliseconds per candidate at batch 1 and at <paramref name="Batch"/>; empty when replayed.</param>
/// <param name="Replayed">The choice came from --encoding-plan, not from timing.</param>
internal sealed record SpeedCheckResult(string Choice, int Batch, IReadOnlyDictionary<string, (double Batch1, double BatchB)> Medians, bool Replayed)
{
    public JsonObject ToJson()
    {
        var medians = new JsonObject();
        foreach ((string name, (double b1, double bB)) in Medians)
        {
            medians[name] = new JsonObject { ["batch1Ms"] = b1, ["batchBMs"] = bB };
        }

        return new JsonObject { ["choice"] = Choice, ["batch"] = Batch, ["mediansMs"] = medians };
    }
}

/// <summary>
/// The candidates are the encodings onnxc can write for this model — the static one asked for (QDQ by default),
/// the other static format when --format was not given (reusing the calibration), dynamic INT8 when the model has
/// MatMul or Gemm — and the float model they came from. Each is already verified by its compiler. They run in one
/// process on the same calibration batch, interleaved round by round with the order rotated, and the one with the
/// lowest median at the batched size is kept; an exact tie goes to the earlier in that order, so the same timings
/// always give the same choice. A float win means onnxc writes the float -O 2 model: INT8 is never slower.
/// </summary>
internal static class SpeedCheck
{
    /// <summary>Every candidate name, in the order ties are resolved.</summary>
    public static readonly IReadOnlyList<string> Encodings = ["qdq", "qoperator", "dynamic", "float"];

    private const int Warmup = 3;
    private const int Rounds = 15;

    public static SpeedCheckResult Run(IReadOnlyList<EncodingCandidate> candidates, SampleSet data)
    {
        int batch = data.FixedBatchSize ?? 32;
        var runners = candidates.Select(c => InferenceRunner.Create(c.Model)).ToList();
        try
        {
            SampleBatch one = data.Batches(data.FixedBatchSize ?? 1, [0]).First();
            SampleBatch many = data.Batches(batch, SubsetPicker.EvenlySpread(data.Count, Math.Min(batch, data.Count))).First();
            double[] b1 = Time(runners, one);
            double[] bB = Time(runners, many);
            int best = 0;
            for (int i = 1; i < candidates.Count; i++)
            {
                if (bB[i] < bB[best])
                {
                    best = i;
                }
            }

            var medians = candidates.Select((c, i) => (c.Name, (b1[i], bB[i]))).ToDictionary(p => p.Name, p => p.Item2, StringComparer.Ordinal);
            return new SpeedCheckResult(candidates[best].Name, many.Count, medians, Replayed: false);
        }
        finally
        {
            runners.ForEach(r => r.Dispose());
        }
    }

    /// <summary>The choice a --report JSON file recorded, to replay without timing (--encoding-plan).</summary>
    public static string ReadChoice(string path)
    {
        try
        {
            string choice = JsonNode.Parse(File.ReadAllText(path))?["speedCheck"]?["choice"]?.GetValue<string>()
                ?? throw new InvalidModelException("has no speedCheck.choice (write one with --report)", path);
            return Encodings.Contains(choice) ? choice
                : throw new InvalidModelException($"chose '{choice}', which is not an encoding onnxc writes ({string.Join(", ", Encodings)})", path);
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or InvalidOperationException or FormatException)
        {
            throw new InvalidModelException($"is not an onnxc --report JSON file: {e.Message}", path, inner: e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new FileAccessException($"{path}: cannot read: {e.Message}", e);
        }
    }

    /// <summary>Lines for people: every candidate's speed-up over float at both sizes, then what is written.</summary>
    public static IEnumerable<string> Describe(SpeedCheckResult r)
    {
        var ci = CultureInfo.InvariantCulture;
        if (r.Replayed)
        {
            yield return $"speed check: replayed from --encoding-plan: writing {r.Choice}";
            yield break;
        }

        (double f1, double fB) = r.Medians["float"];
        string each = string.Join(", ", r.Medians.Select(p => string.Create(ci, $"{p.Key} {fB / p.Value.BatchB:0.00}x / {f1 / p.Value.Batch1:0.00}x")));
        yield return $"speed check (ONNX Runtime CPU, speed-up over float at batch {r.Batch} / batch 1, medians of {Rounds} interleaved runs): {each}";
        yield return r.Choice == "float"
            ? "speed check: no INT8 encoding is faster than float on this machine: writing the float -O 2 model (--no-speed-check keeps INT8)"
            : $"speed check: writing {r.Choice}";
    }

    private static double[] Time(List<InferenceRunner> runners, SampleBatch input)
    {
        foreach (InferenceRunner r in runners)
        {
            for (int i = 0; i < Warmup; i++)
            {
                r.Run(input);
            }
        }

        var times = runners.Select(_ => new List<double>()).ToList();
        for (int round = 0; round < Rounds; round++)
        {
            for (int k = 0; k < runners.Count; k++)
            {
                int i = (k + round) % runners.Count; // rotate who goes first
                long t0 = Stopwatch.GetTimestamp();
                runners[i].Run(input);
                times[i].Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
            }
        }

        return [.. times.Select(t => Metrics.Percentile([.. t.Order()], 50))];
    }
}
