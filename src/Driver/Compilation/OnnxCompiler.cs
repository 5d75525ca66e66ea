// The main job of onnxc as a library call: load and verify a model, run the pipeline of the chosen level, write ONNX back out.
using Onnxc.GraphIR;
using Onnxc.GraphIR.Onnx;
using Onnxc.GraphIR.Verification;
using Onnxc.Passes;
using Onnxc.Passes.Opset;
using Onnxc.Passes.Pipelines;
using Onnxc.Passes.Quantization;

namespace Onnxc.Compilation;

/// <summary>
/// The compile order every caller shares (the onnxc command, the MSBuild task, users' code): opset upgrade, the
/// level's float pipeline (-O 1/2), pruning, INT8 quantization with the speed check or GPU lowering, a final
/// verification of whatever the passes changed, the write (to a temporary file, then renamed), and the final report.
/// </summary>
/// <remarks>
/// Failures are exceptions that name the file, and the node where there is one:
/// <see cref="InvalidModelException"/> (the model or an option does not fit it),
/// <see cref="Evaluation.Data.SampleDataException"/> (calibration or evaluation data),
/// <see cref="FileAccessException"/> (a file that cannot be read or written),
/// <see cref="Evaluation.ProviderUnavailableException"/> (--provider cuda where CUDA is missing),
/// <see cref="QuantizationException"/> (the INT8 model failed self-verification; nothing was written) and
/// <see cref="OperationCanceledException"/>. Anything else is a bug in onnxc. The input is never modified.
/// </remarks>
public static class OnnxCompiler
{
    /// <summary>Compiles <see cref="CompileOptions.ModelPath"/> to <see cref="CompileOptions.OutputPath"/>.</summary>
    /// <param name="options">What to do; <see cref="Int8Settings.Validate"/> checks the INT8 part before any model is read.</param>
    /// <param name="observer">Receives the summary and diagnostic lines and runs progress displays; null for none.</param>
    /// <param name="cancellation">Stops a long compile (calibration, training); nothing is written then.</param>
    public static CompileResult Compile(CompileOptions options, CompileObserver? observer = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        observer ??= CompileObserver.None;
        var summary = new List<string>();
        using var stdout = new LineWriter(line =>
        {
            summary.Add(line);
            observer.Summary(line);
        });
        using var log = new LineWriter(observer.Diagnostic);
        Int8Outcome? int8 = Run(options, stdout, log, observer, cancellation);
        stdout.Flush();
        log.Flush();
        return new CompileResult
        {
            ModelPath = options.ModelPath,
            OutputPath = options.OutputPath,
            Level = options.Level,
            InputBytes = new FileInfo(options.ModelPath).Length,
            OutputBytes = new FileInfo(options.OutputPath).Length,
            Summary = summary,
            Quantization = int8?.Summary,
            Encoding = int8?.Encoding,
        };
    }

    private static Int8Outcome? Run(CompileOptions options, TextWriter stdout, TextWriter log, CompileObserver observer, CancellationToken cancellation)
    {
        Model model = ModelInput.LoadVerified(options.ModelPath);

        long changesBefore = model.ChangeCount;
        if (options.TargetOpset is int opset)
        {
            // Before the pipeline, so every pass sees operators in the form of the opset the output will declare.
            UpgradeOpset(model, opset, options.ModelPath);
        }

        RunPipeline(model, options, log);
        if (options.PruneSensitivity is { } ranking)
        {
            // On a copy in the -O 2 form pruning itself sees; the table changes nothing.
            Model o2 = Passes.Training.TrainingGraphBuilder.Clone(model);
            if (options.Level == OptimizationLevel.O0 || options.Level == OptimizationLevel.O1)
            {
                RunPipeline(o2, options with { Level = OptimizationLevel.O2 }, log);
            }

            StructuredPruning.WriteSensitivity(o2, ranking, options, stdout);
        }

        if (options.Prune is { } prune)
        {
            // Pruning follows the channels through the graph as it will run (folded shape arithmetic, fused
            // biases), so it always sees the -O 2 form, and quantization calibrates the smaller model.
            if (options.Level == OptimizationLevel.O0 || options.Level == OptimizationLevel.O1)
            {
                RunPipeline(model, options with { Level = OptimizationLevel.O2 }, log);
            }

            model = StructuredPruning.Run(model, prune, options, stdout, log, observer, cancellation);
        }

        Int8Outcome? int8 = null;
        if (options.Level.IsInt8)
        {
            // Quantization calibrates the graph as it will run: after the float cleanup and fusions.
            int8 = Int8Compilation.Run(model, options, stdout, log, observer);
            model = int8.Model;
        }

        if (model.ChangeCount != changesBefore)
        {
            // The input was valid, so a model that no longer verifies was broken by our own passes: a bug,
            // reported as an internal error (exit 3), not as a problem with the user's model.
            IReadOnlyList<VerifierError> errors = Verifier.Check(model);
            if (errors.Count > 0)
            {
                VerifierError first = errors[0];
                string at = first.Node is null ? string.Empty : $"node {first.Node}: ";
                string steps = options.TargetOpset is int n ? $"--opset {n}, {options.Level}" : options.Level.ToString();
                throw new InvalidOperationException($"the model no longer verifies after {steps}: {at}{first.Message}");
            }
        }

        if (options.SparseStorage)
        {
            stdout.WriteLine(DescribeSparseStorage(model));
        }

        cancellation.ThrowIfCancellationRequested();
        Save(model, options);
        if (options.Int8?.EvalDataPath is { } evalData)
        {
            FinalReport.Write(options, evalData, options.Goal, stdout, int8?.Summary);
        }

        return int8;
    }

    /// <summary>One line: which float weights go out as sparse_initializer and the bytes that saves, or why none do.</summary>
    private static string DescribeSparseStorage(Model model)
    {
        IReadOnlyList<SparseStorageEntry> plan = SparseStorage.Plan(model);
        if (plan.Count == 0)
        {
            return "sparse storage: no float weight is sparse enough to store smaller (it takes more than 2/3 zeros: each nonzero costs 4 bytes of value and 8 of index)";
        }

        long elements = plan.Sum(e => e.Elements);
        long nonZeros = plan.Sum(e => e.NonZeros);
        return string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"sparse storage: {plan.Count} weight(s) as sparse_initializer, {100.0 * (elements - nonZeros) / elements:F1}% zero: {plan.Sum(e => e.DenseBytes):N0} -> {plan.Sum(e => e.SparseBytes):N0} bytes (ONNX Runtime densifies them at load)");
    }

    /// <summary>
    /// The pipeline of each level, as plain code: a new level gets its branch here and its entry in
    /// <see cref="OptimizationLevel.Supported"/> together. Levels the command line does not offer never get here.
    /// </summary>
    private static void RunPipeline(Model model, CompileOptions options, TextWriter log)
    {
        OptimizationLevel level = options.Level;
        if (level == OptimizationLevel.O0)
        {
            // -O 0 runs no passes: its job is a faithful load, verify and re-emit of the model.
            return;
        }

        // Passes read and rewrite dense initializers only; --sparse-storage writes the sparse form back.
        SparseStorage.Densify(model);

        OptLevel passLevel = level == OptimizationLevel.O1 ? OptLevel.O1
            : level == OptimizationLevel.O2 || level.IsInt8 ? OptLevel.O2
            : throw new InvalidOperationException($"{level} is offered on the command line but has no pipeline for {model.Graph}");
        PassManager pipeline = PassPipelines.Build(passLevel, options.Passes);
        // The pass manager prints --time-passes itself.
        pipeline.Run(model, new PassContext(options.Passes, log));
    }

    /// <summary>A model whose operators cannot be brought to <paramref name="opset"/> is unsupported input: exit 2.</summary>
    private static void UpgradeOpset(Model model, int opset, string modelPath)
    {
        try
        {
            OpsetUpgrader.Upgrade(model, opset);
        }
        catch (InvalidModelException e)
        {
            throw e.InFile(modelPath);
        }
    }

    private static void Save(Model model, CompileOptions options)
    {
        var saveOptions = new OnnxSaveOptions
        {
            // Auto still moves data out when the model would pass protobuf's 2 GiB limit.
            ExternalData = options.ExternalData ? ExternalDataMode.Always : ExternalDataMode.Auto,
            SparseInitializers = options.SparseStorage,
        };

        try
        {
            OnnxExporter.Save(model, options.OutputPath, saveOptions);
        }
        catch (InvalidModelException e)
        {
            throw e.InFile(options.OutputPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new FileAccessException($"{options.OutputPath}: cannot write: {e.Message}", e);
        }
    }
}
