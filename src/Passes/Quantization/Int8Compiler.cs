// The library entry point of -O int8: prepare, plan, calibrate, emit, control accuracy, verify, summarize.
using Onnxc.Evaluation.Data;
using Onnxc.GraphIR;
using Onnxc.Passes.Calibration;
using Onnxc.Passes.Quantization.Stages;

namespace Onnxc.Passes.Quantization;

/// <summary>
/// Static INT8 quantization of a float model with calibration data. The caller's model is not changed; the result
/// holds the quantized model (write it with OnnxExporter.Save), the calibration table (cache it with
/// <see cref="CalibrationTable.Save"/> and pass it back to skip calibration) and the <see cref="CompileSummary"/>.
/// Order: float preparation (opset 13, folds) → plan → calibration of exactly the planned tensors on the prepared
/// graph → optional accuracy control → QDQ emission → QOperator lowering or QDQ cleanup → self-verification, each a
/// registered pass of <see cref="Int8Pipelines.Static"/> (so --list-passes, --verify-each and --print-ir-after reach them).
/// </summary>
public static class Int8Compiler
{
    public static QuantizationResult Compile(
        Model model,
        QuantizationOptions options,
        SampleSet calibrationData,
        CalibrationTable? cachedTable = null,
        SampleSet? evalData = null,
        Action<string>? log = null,
        PassContext? passes = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(calibrationData);
        log ??= _ => { };
        long sizeBefore = ModelCopy.SerializedSize(model);
        Model quantized = ModelCopy.Clone(model);
        PassContext context = passes ?? new PassContext();

        // A disabled clean-up-qdq stage must also leave the candidates accuracy control measures uncleaned.
        options = options with { QdqCleanup = options.QdqCleanup && !context.IsDisabled(QdqCleanupStage.StageName) };
        var session = new Int8Session(options, calibrationData, cachedTable, evalData, log);
        context.SetService(session);
        context.SetService<IVerifiedCompile>(session);
        Int8Pipelines.Static().Run(quantized, context);

        var summary = new CompileSummary
        {
            Format = options.Format,
            Target = options.Target.Name,
            Encoding = DescribeEncoding(options) + ScopeText(options.Scope, session.Plan!.Scope),
            Calibration = session.Table!.MethodText,
            CalibrationSamples = session.Table.SampleCount,
            CalibrationSeconds = session.CalibrationSeconds,
            Nodes = session.Plan!.Decisions,
            SizeBefore = sizeBefore,
            SizeAfter = ModelCopy.SerializedSize(quantized),
            Fallbacks = session.Fallbacks,
            Accuracy = session.Accuracy,
            Verification = session.Verification,
        };

        if (session.Verification is { Passed: false } failed)
        {
            throw new QuantizationException(failed.Message, summary);
        }

        return new QuantizationResult(quantized, session.Table, summary);
    }

    /// <summary>The quantized model for a plan and table, from the prepared float model (which is not changed).</summary>
    internal static Model Build(Model prepared, QuantizationPlan plan, CalibrationTable table, QuantizationOptions options)
    {
        Model m = ModelCopy.Clone(prepared);
        Emit(m, plan, table, options);

        // The same work as the lower-qoperator and clean-up-qdq stages that follow emit-qdq in the pipeline.
        QOperatorStage.Apply(m, options);
        QdqCleanupStage.Apply(m, options);
        return m;
    }

    /// <summary>Q/DQ pairs for <paramref name="plan"/> written into <paramref name="model"/> (a prepared float model, or a copy of the one planned).</summary>
    internal static void Emit(Model model, QuantizationPlan plan, CalibrationTable table, QuantizationOptions options)
    {
        // Planned again on this graph so the decisions refer to its nodes; explicit exclusions carry over.
        QuantizationPlan local = QuantizationPlanner.Plan(model, options with { Exclude = [.. options.Exclude, .. ExcludedBy(plan)] });
        Dictionary<string, QuantParams> act = QdqEmitter.ActivationParams(local, table, options.Activations);
        QdqEmitter.Emit(model, local, act, options);
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

    private static string ScopeText(QuantScope asked, QuantScope planned) => planned != QuantScope.MatMul ? ""
        : asked == QuantScope.Auto ? "; MatMul/Gemm inputs only (auto scope: the model has LayerNorm, whose input stays float)"
        : "; MatMul/Gemm inputs only (--quant-scope matmul)";

    /// <summary>Node names the plan excluded explicitly (so a rebuilt plan keeps them float).</summary>
    private static IEnumerable<string> ExcludedBy(QuantizationPlan plan) =>
        plan.Decisions.Where(d => !d.Quantized && d.Reason.StartsWith("excluded", StringComparison.Ordinal)).Select(d => d.Node);
}
