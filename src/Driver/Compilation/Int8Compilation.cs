// -O int8 and -O int8-dynamic: quantize the optimized float model and report what was done.
using Onnxc.Evaluation.Data;
using Onnxc.GraphIR;
using Onnxc.Passes.Calibration;
using Onnxc.Passes.Quantization;

namespace Onnxc.Compilation;

/// <summary>What INT8 compilation made: the model, the quantizer's summary (null for float or QAT) and the encoding written.</summary>
internal sealed record Int8Outcome(Model Model, CompileSummary? Summary, string Encoding);

internal static class Int8Compilation
{
    /// <summary>
    /// The quantized model. Static INT8 calibrates on <see cref="Int8Settings.CalibrationPath"/>; dynamic INT8 needs no
    /// data. The compile summary goes to <paramref name="stdout"/> (and to --report as JSON); progress to <paramref name="log"/>.
    /// </summary>
    public static Int8Outcome Run(Model model, CompileOptions options, TextWriter stdout, TextWriter log, CompileObserver observer)
    {
        Int8Settings s = options.Int8 ?? new Int8Settings();
        QuantizationOptions q = ToOptions(s);
        QuantizationResult result;
        if (options.Level == OptimizationLevel.Int8Dynamic)
        {
            SampleSet? verify = s.CalibrationPath is null ? null : SampleData.Open(s.CalibrationPath, model, s.Preprocess);
            result = DynamicQuantizer.Compile(model, q, verify, new Passes.PassContext(options.Passes, log));
        }
        else
        {
            if (s.CalibrationPath is null)
            {
                throw new InvalidModelException("-O int8 needs --calibration DATA (a .npy file, an image folder or ONNX test-data folders)", options.ModelPath);
            }

            // A plan to replay is read first, so a bad one fails before any calibration.
            string? replay = s.EncodingPlanPath is { } planPath && !s.NoSpeedCheck ? SpeedCheck.ReadChoice(planPath) : null;
            SampleSet calibration = SampleData.Open(s.CalibrationPath, model, s.Preprocess);
            if (options.Qat is { } qat)
            {
                return new Int8Outcome(QuantizationAwareTraining.Run(model, q, calibration, qat, options, stdout, log, observer), null, "qdq");
            }

            SampleSet? eval = s.EvalDataPath is null ? null : SampleData.Open(s.EvalDataPath, model, s.Preprocess);
            CalibrationTable? cached = s.CalibrationTablePath is { } tablePath && File.Exists(tablePath) ? LoadTable(tablePath) : null;
            result = observer.Calibrating(progress => Int8Compiler.Compile(
                model, q with { Calibration = q.Calibration with { Progress = progress } }, calibration, cached, eval, line => log.WriteLine("onnxc: " + line),
                new Passes.PassContext(options.Passes, log)));
            if (s.CalibrationTablePath is { } newTable && cached is null && result.Table is { } table)
            {
                AtomicFile.WriteText(newTable, table.ToJson(), new System.Text.UTF8Encoding(false), "the calibration table", overwrite: false);
                log.WriteLine($"onnxc: wrote the calibration table {newTable}");
            }
            bool gpuTarget = Kernels.Targets.TargetRegistry.Find(s.Target) is { Kind: Kernels.Targets.TargetKind.CudaGpu };
            if (!s.NoSpeedCheck && !gpuTarget)
            {
                return ChooseFastest(model, result, q, s, replay, calibration, eval, stdout, log, options.Passes);
            }
        }

        stdout.Write(result.Summary.ToText());
        if (s.ReportPath is not null)
        {
            WriteReport(result.Summary, s.ReportPath, null);
        }

        if (Kernels.Targets.TargetRegistry.Find(s.Target) is { Kind: Kernels.Targets.TargetKind.CudaGpu } gpu)
        {
            LowerForGpu(result.Model, gpu, s.PlanBatch ?? 1, options, stdout, log);
        }

        return new Int8Outcome(result.Model, result.Summary, options.Level == OptimizationLevel.Int8Dynamic ? "dynamic" : FormatName(q.Format));
    }

    /// <summary>
    /// Lowers the QDQ model to the target's INT8 kernel plan and embeds the plan and its PTX in the model's metadata:
    /// ONNX Runtime ignores them and runs the file as it is, `onnxc run` runs the kernels.
    /// </summary>
    private static void LowerForGpu(Model model, Kernels.Targets.TargetDescription target, int batch, CompileOptions options, TextWriter stdout, TextWriter log)
    {
        var session = new Passes.Lowering.KernelLoweringSession(
            new Passes.Lowering.LoweringOptions(target) { BatchSize = batch, Ptx = new Passes.Lowering.PlanPtxProvider() });
        var context = new Passes.PassContext(options.Passes, log);
        context.SetService(session);
        context.SetService(target, Passes.PassRequirements.Target);
        try
        {
            Passes.Lowering.KernelLowering.Stages().Run(model, context);
        }
        catch (Exception e) when (e is NotSupportedException or InvalidOperationException)
        {
            throw new InvalidModelException($"cannot lower to {target.Name} kernels: {e.Message}", options.ModelPath);
        }

        stdout.Write(session.Result!.Summary());
    }

    /// <summary>Checks the flags before any model is read, so a typo is a usage error (exit 1).</summary>
    public static string? Validate(Int8Settings s)
    {
        bool gpu = Kernels.Targets.TargetRegistry.Find(s.Target) is { Kind: Kernels.Targets.TargetKind.CudaGpu };
        if (gpu && s.Format == QuantFormat.QOperator)
        {
            return $"--target {s.Target} lowers the QDQ form; --format qoperator cannot be lowered";
        }

        if (!gpu && s.PlanBatch is not null)
        {
            return $"--plan-batch sizes a GPU kernel plan; --target {s.Target} makes none";
        }

        try
        {
            ToOptions(s);
            return null;
        }
        catch (ArgumentException e)
        {
            return e.Message;
        }
    }

    private static QuantizationOptions ToOptions(Int8Settings s)
    {
        var calibration = new CalibrationOptions();
        if (s.Calibrate is not null)
        {
            calibration = calibration.WithMethod(s.Calibrate);
        }

        if (s.CalibrationSamples is int n)
        {
            calibration = calibration with { SampleCount = n };
        }

        bool gpu = Kernels.Targets.TargetRegistry.Find(s.Target) is { Kind: Kernels.Targets.TargetKind.CudaGpu };
        return new QuantizationOptions
        {
            // The GPU target's file must still give right answers in ONNX Runtime on any CPU, so it takes the
            // encoding that is safe without VNNI; only --target cpu-vnni asks for full 8-bit weights.
            Target = QuantTarget.Parse(gpu ? "cpu" : s.Target),
            Activations = s.Activations == ElementType.UInt8 || s.Activations == ElementType.Int8 ? s.Activations
                : throw new ArgumentException($"--activations must be u8 or s8, not {s.Activations}"),
            Weights = s.PerTensorWeights ? WeightGranularity.PerTensor : WeightGranularity.PerChannel,
            Scope = s.Scope,
            FuseAttention = !gpu,
            Format = s.Format ?? QuantFormat.Qdq,
            Exclude = s.Exclude,
            Calibration = calibration,
            Verify = s.NoVerify ? VerifyMode.Skip : VerifyMode.Verify,
            VerifyProvider = s.Provider,
            MaxAccuracyDrop = s.MaxAccuracyDrop,
        };
    }

    private static CalibrationTable LoadTable(string path)
    {
        try
        {
            return CalibrationTable.Load(path);
        }
        catch (Exception e) when (e is InvalidDataException or System.Text.Json.JsonException or InvalidOperationException or FormatException or ArgumentException)
        {
            throw new InvalidModelException(e is InvalidDataException ? e.Message : $"not a calibration table: {e.Message}", path, inner: e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new FileAccessException($"{path}: cannot read: {e.Message}", e);
        }
    }

    private static void WriteReport(CompileSummary summary, string path, SpeedCheckResult? speed)
    {
        string json = summary.ToJson();
        if (speed is not null)
        {
            var node = System.Text.Json.Nodes.JsonNode.Parse(json)!.AsObject();
            node["speedCheck"] = speed.ToJson();
            json = node.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true });
        }

        string temp = path + ".tmp";
        File.WriteAllText(temp, json);
        File.Move(temp, path, overwrite: true);
    }

    /// <summary>
    /// The speed check (see <see cref="SpeedCheck"/>): builds the other candidates, times them (or replays
    /// --encoding-plan) and returns the fastest, printing the summary of what is written and the timings.
    /// </summary>
    private static Int8Outcome ChooseFastest(Model floatModel, QuantizationResult primary, QuantizationOptions q, Int8Settings s, string? replay,
        SampleSet calibration, SampleSet? eval, TextWriter stdout, TextWriter log, Passes.PassOptions passes)
    {
        // The other candidates run the same stages, checked as asked (--verify-each, --disable-pass), but print no
        // second copy of the IR or the timings.
        Passes.PassContext Quiet() => new(passes with { TimePasses = false, PrintIrAfter = Passes.IrPrintSelection.None }, log);
        var candidates = new List<EncodingCandidate> { new(FormatName(q.Format), primary.Model, primary) };
        if (s.Format is null)
        {
            QuantFormat other = q.Format == QuantFormat.Qdq ? QuantFormat.QOperator : QuantFormat.Qdq;
            TryAdd(candidates, FormatName(other), log, () => Int8Compiler.Compile(floatModel, q with { Format = other }, calibration, primary.Table, eval, _ => { }, Quiet()));
        }

        if (s.Format is null && floatModel.Graph.Nodes.Any(n => n.IsDefaultDomain && n.OpType is "MatMul" or "Gemm"))
        {
            TryAdd(candidates, "dynamic", log, () => DynamicQuantizer.Compile(floatModel, q, calibration, Quiet()));
        }

        candidates.Add(new EncodingCandidate("float", floatModel, null));
        SpeedCheckResult speed;
        if (replay is not null)
        {
            if (!candidates.Any(c => c.Name == replay))
            {
                throw new InvalidModelException($"chose '{replay}', which is not a candidate for this model and these options ({string.Join(", ", candidates.Select(c => c.Name))})", s.EncodingPlanPath);
            }

            speed = new SpeedCheckResult(replay, 0, new Dictionary<string, (double, double)>(), Replayed: true);
        }
        else
        {
            log.WriteLine($"onnxc: speed check: timing {string.Join(", ", candidates.Select(c => c.Name))} in ONNX Runtime");
            speed = SpeedCheck.Run(candidates, calibration);
        }

        EncodingCandidate chosen = candidates.Single(c => c.Name == speed.Choice);
        CompileSummary summary = (chosen.Result ?? primary).Summary;
        stdout.Write(summary.ToText());
        foreach (string line in SpeedCheck.Describe(speed))
        {
            stdout.WriteLine(line);
        }

        if (s.ReportPath is not null)
        {
            WriteReport(summary, s.ReportPath, speed);
        }

        return new Int8Outcome(chosen.Model, chosen.Result?.Summary, chosen.Name);
    }

    private static void TryAdd(List<EncodingCandidate> candidates, string name, TextWriter log, Func<QuantizationResult> compile)
    {
        try
        {
            QuantizationResult r = compile();
            candidates.Add(new EncodingCandidate(name, r.Model, r));
        }
        catch (Exception e) when (e is InvalidModelException or QuantizationException or NotSupportedException or InvalidOperationException or ArgumentException)
        {
            // A candidate that cannot be built (nothing it can quantize, a failed verification) is not timed.
            log.WriteLine($"onnxc: speed check: no {name} candidate: {e.Message}");
        }
    }

    private static string FormatName(QuantFormat format) => format == QuantFormat.Qdq ? "qdq" : "qoperator";
}
