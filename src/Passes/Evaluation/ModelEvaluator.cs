// The library side of `onnxc eval`: accuracy, latency, size and memory, against a baseline when given.
using System.Diagnostics;
using Onnxc.Evaluation.Data;
using Onnxc.GraphIR;
using Onnxc.GraphIR.Onnx;

namespace Onnxc.Evaluation;

/// <summary>
/// Evaluates a model file on sample data. With a baseline, both sessions live in this process and every timed run
/// alternates between them (model, baseline, baseline, model, ...), so drift in machine load hits both alike;
/// ratios are baseline/model for speed and model/baseline for size. Latency is wall time of one ORT Run after
/// <see cref="EvalOptions.WarmupRuns"/> warm-up runs, at batch 1 and at batch B (B = the fixed batch when the
/// model has one). Session memory is the growth of the process working set while a session is created and
/// warmed up (a process-level measure, so approximate).
/// </summary>
public static class ModelEvaluator
{
    public static EvalReport Evaluate(string modelPath, SampleSet data, EvalOptions options, string? baselinePath = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(options);
        (InferenceRunner model, long modelMem) = OpenMeasured(modelPath, options);
        using (model)
        {
            InferenceRunner? baseline = null;
            long baseMem = 0;
            if (baselinePath is not null)
            {
                (baseline, baseMem) = OpenMeasured(baselinePath, options);
            }

            using (baseline)
            {
                int[]? indices = options.Samples is int n ? SubsetPicker.EvenlySpread(data.Count, n) : null;
                AccuracyResult? accModel = data.HasLabels ? AccuracyMeter.Measure(model, data, indices, options.BatchSize) : null;
                AccuracyResult? accBase = data.HasLabels && baseline is not null ? AccuracyMeter.Measure(baseline, data, indices, options.BatchSize) : null;

                int b1 = data.FixedBatchSize ?? 1;
                int bB = data.FixedBatchSize ?? options.BatchSize;
                (LatencyStats m1, LatencyStats? base1) = Time(model, baseline, data, b1, options);
                (LatencyStats mB, LatencyStats? baseB) = Time(model, baseline, data, bB, options);
                var mm = new ModelMeasurement(modelPath, new FileInfo(modelPath).Length, accModel, m1, mB, modelMem);
                ModelMeasurement? bm = baseline is null ? null : new ModelMeasurement(baselinePath!, new FileInfo(baselinePath!).Length, accBase, base1!, baseB!, baseMem);
                EvalRatios? ratios = null;
                if (bm is not null)
                {
                    double? drop = accModel is not null && accBase is not null ? accBase.Top1 - accModel.Top1 : null;
                    double? agree = accModel is not null && accBase is not null
                        ? 100.0 * accModel.Predictions.Zip(accBase.Predictions).Count(p => p.First == p.Second) / Math.Max(1, accModel.Samples)
                        : null;
                    ratios = new EvalRatios((double)mm.FileBytes / bm.FileBytes, bm.Batch1.P50Ms / m1.P50Ms, bm.BatchB.P50Ms / mB.P50Ms, drop, agree);
                }

                IReadOnlyList<LayerSqnr>? layers = options.CompareLayers && baselinePath is not null
                    ? CompareLayers(baselinePath, modelPath, data, options)
                    : null;
                IReadOnlyList<ProfileEntry>? profiles = options.Profile ? Profile(modelPath, baselinePath, data, [b1, bB]) : null;
                return new EvalReport(mm, bm, ratios, layers, Process.GetCurrentProcess().PeakWorkingSet64) { Profiles = profiles };
            }
        }
    }

    /// <summary>ORT's profile of the model and the baseline at each batch size (CPU, on the first samples).</summary>
    private static List<ProfileEntry> Profile(string modelPath, string? baselinePath, SampleSet data, int[] batches)
    {
        var entries = new List<ProfileEntry>();
        foreach ((string label, string path) in baselinePath is null ? [("model", modelPath)] : new[] { ("model", modelPath), ("baseline", baselinePath) })
        {
            Model m = OnnxImporter.Load(path);
            foreach (int b in batches.Distinct())
            {
                SampleBatch batch = data.Batches(b, Enumerable.Range(0, Math.Min(b, data.Count)).ToArray()).First();
                entries.Add(new ProfileEntry(label, batch.Count, OpProfile.Measure(m, batch)));
            }
        }

        return entries;
    }

    /// <summary>
    /// SQNR of every float activation the two models share by name (our QDQ output keeps the float model's
    /// tensor names at the inputs of its QuantizeLinear nodes), in the baseline's graph order.
    /// </summary>
    public static IReadOnlyList<LayerSqnr> CompareLayers(string baselinePath, string modelPath, SampleSet data, EvalOptions options)
    {
        Model baseline = OnnxImporter.Load(baselinePath);
        Model model = OnnxImporter.Load(modelPath);
        var modelValues = new HashSet<string>(model.Graph.Nodes.SelectMany(n => n.Outputs).Where(v => v is not null).Select(v => v!.Name), StringComparer.Ordinal);
        string[] names = [.. baseline.Graph.Nodes.SelectMany(n => n.Outputs).Where(v => v is not null && modelValues.Contains(v.Name)).Select(v => v!.Name).Distinct()];
        using InferenceRunner a = InferenceRunner.Create(baseline, names);
        using InferenceRunner b = InferenceRunner.Create(model, names);
        var floatNames = names.Where(n => a.OutputMetadata.TryGetValue(n, out var ma) && b.OutputMetadata.TryGetValue(n, out var mb)
            && ma.ElementDataType == Microsoft.ML.OnnxRuntime.Tensors.TensorElementType.Float && mb.ElementDataType == ma.ElementDataType).ToArray();
        int batch = data.FixedBatchSize ?? Math.Min(8, options.CompareSamples);
        double[] sqnr = ActivationComparer.Sqnr(a, b, [.. floatNames.Select(n => (n, n))], data.Batches(batch, options.CompareSamples));
        return [.. floatNames.Select((n, i) => new LayerSqnr(n, sqnr[i]))];
    }

    private static (InferenceRunner Runner, long Memory) OpenMeasured(string path, EvalOptions options)
    {
        using Process self = Process.GetCurrentProcess();
        GC.Collect();
        self.Refresh();
        long before = self.WorkingSet64;
        InferenceRunner runner = InferenceRunner.Open(path, options.Provider, options.Threads);
        self.Refresh();
        return (runner, Math.Max(0, self.WorkingSet64 - before));
    }

    private static (LatencyStats Model, LatencyStats? Baseline) Time(InferenceRunner model, InferenceRunner? baseline, SampleSet data, int batch, EvalOptions options)
    {
        SampleBatch input = data.Batches(batch, Enumerable.Range(0, Math.Min(batch, data.Count)).ToArray()).First();
        for (int i = 0; i < options.WarmupRuns; i++)
        {
            model.Run(input);
            baseline?.Run(input);
        }

        var tm = new List<double>();
        var tb = new List<double>();
        for (int i = 0; i < options.TimedRuns; i++)
        {
            // Alternate which goes first so neither always runs on a cache the other warmed.
            if (i % 2 == 0)
            {
                tm.Add(TimeOne(model, input));
                if (baseline is not null)
                {
                    tb.Add(TimeOne(baseline, input));
                }
            }
            else
            {
                if (baseline is not null)
                {
                    tb.Add(TimeOne(baseline, input));
                }

                tm.Add(TimeOne(model, input));
            }
        }

        return (LatencyStats.From(input.Count, tm), baseline is null ? null : LatencyStats.From(input.Count, tb));
    }

    private static double TimeOne(InferenceRunner runner, SampleBatch input)
    {
        long t0 = Stopwatch.GetTimestamp();
        runner.Run(input);
        return Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
    }
}
