// The library entry point of -O int8: prepare, plan, calibrate, emit, control accuracy, verify, summarize.
using System.Diagnostics;
using Onnxc.GraphIR;
using Onnxc.Passes.Calibration;
using Onnxc.Passes.Data;

namespace Onnxc.Passes.Quantization;

/// <summary>
/// Static INT8 quantization of a float model with calibration data. The caller's model is not changed; the result
/// holds the quantized model (write it with OnnxExporter.Save), the calibration table (cache it with
/// <see cref="CalibrationTable.Save"/> and pass it back to skip calibration) and the <see cref="CompileSummary"/>.
/// Order: float preparation (opset 13, folds) → plan → calibration of exactly the planned tensors on the prepared
/// graph → QDQ emission → optional QOperator lowering → optional accuracy control → self-verification.
/// </summary>
public static class Int8Compiler
{
    public static QuantizationResult Compile(
        Model model,
        QuantizationOptions options,
        SampleSet calibrationData,
        CalibrationTable? cachedTable = null,
        SampleSet? evalData = null,
        Action<string>? log = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(calibrationData);
        log ??= _ => { };
        long sizeBefore = ModelCopy.SerializedSize(model);
        Model prepared = ModelCopy.Clone(model);
        QuantizationPreparation.Run(prepared);

        QuantizationPlan plan = QuantizationPlanner.Plan(prepared, options);
        var sw = Stopwatch.StartNew();
        CalibrationTable table = EnsureTable(prepared, plan, cachedTable, calibrationData, options.Calibration, log);
        double calibrationSeconds = sw.Elapsed.TotalSeconds;

        Model quantized = Build(prepared, plan, table, options);
        AccuracyControlResult? accuracy = null;
        IReadOnlyList<string> fallbacks = [];
        if (options.MaxAccuracyDrop is double maxDrop)
        {
            if (evalData is null)
            {
                throw new ArgumentException("--max-accuracy-drop needs --eval-data (labelled samples)");
            }

            var control = new AccuracyControl(prepared, options, calibrationData, evalData, log);
            (quantized, plan, table, accuracy, fallbacks) = control.Run(plan, table, quantized, maxDrop);
        }

        var summary = new CompileSummary
        {
            Format = options.Format,
            Target = options.Target.Name,
            Encoding = DescribeEncoding(options),
            Calibration = table.MethodText,
            CalibrationSamples = table.SampleCount,
            CalibrationSeconds = cachedTable is not null && ReferenceEquals(table, cachedTable) ? 0 : calibrationSeconds,
            Nodes = plan.Decisions,
            SizeBefore = sizeBefore,
            SizeAfter = ModelCopy.SerializedSize(quantized),
            Fallbacks = fallbacks,
            Accuracy = accuracy,
        };

        if (options.Verify == VerifyMode.Verify)
        {
            int batch = calibrationData.FixedBatchSize ?? Math.Min(8, options.VerifySamples);
            VerificationResult v = SelfVerifier.Verify(prepared, quantized, calibrationData.Batches(batch, Math.Max(1, options.VerifySamples)), options.VerifyProvider);
            summary = summary with { Verification = v };
            log(v.Message);
            if (!v.Passed)
            {
                throw new QuantizationException(v.Message, summary);
            }
        }

        return new QuantizationResult(quantized, table, summary);
    }

    /// <summary>The quantized model for a plan and table, from the prepared float model (which is not changed).</summary>
    internal static Model Build(Model prepared, QuantizationPlan plan, CalibrationTable table, QuantizationOptions options)
    {
        Model m = ModelCopy.Clone(prepared);
        QuantizationPlan local = QuantizationPlanner.Plan(m, options with { Exclude = [.. options.Exclude, .. ExcludedBy(plan)] });
        Dictionary<string, QuantParams> act = QdqEmitter.ActivationParams(local, table, options.Activations);
        QdqEmitter.Emit(m, local, act, options);
        if (options.Format == QuantFormat.QOperator)
        {
            QOperatorLowering.Run(m);
        }
        else if (options.QdqCleanup)
        {
            QOperatorLowering.RunQdqCleanup(m);
        }

        return m;
    }

    /// <summary>A table that covers every tensor the plan calibrates: the cached one, completed if needed.</summary>
    internal static CalibrationTable EnsureTable(Model prepared, QuantizationPlan plan, CalibrationTable? table, SampleSet data, CalibrationOptions options, Action<string> log)
    {
        string[] missing = [.. plan.CalibratedTensors.Where(t => table?.Find(t) is null)];
        if (missing.Length == 0 && table is not null)
        {
            return table;
        }

        log($"calibrating {missing.Length} tensors ({CalibrationOptions.FormatMethod(options.Method, options.Percentile)}) on {Math.Min(options.SampleCount, data.Count)} samples");
        CalibrationTable fresh = ActivationCollector.Collect(prepared, missing, data, options).ToTable(options);
        if (table is null)
        {
            return fresh;
        }

        return new CalibrationTable(table.Method, table.Percentile, table.SampleCount, table.Ranges.Concat(fresh.Ranges));
    }

    public static string DescribeEncoding(QuantizationOptions options)
    {
        string act = options.Activations == ElementType.UInt8 ? "u8" : "s8";
        int q = QuantMath.WeightMax(options.ReducedRange);
        string gran = options.Weights == WeightGranularity.PerChannel ? "per channel" : "per tensor";
        return $"{act} asymmetric activations, s8 symmetric weights in [-{q}, {q}] {gran}{(options.ReducedRange ? " (7-bit: no vpmaddubsw saturation without VNNI)" : "")}, int32 bias";
    }

    /// <summary>Node names the plan excluded explicitly (so a rebuilt plan keeps them float).</summary>
    private static IEnumerable<string> ExcludedBy(QuantizationPlan plan) =>
        plan.Decisions.Where(d => !d.Quantized && d.Reason.StartsWith("excluded", StringComparison.Ordinal)).Select(d => d.Node);
}
