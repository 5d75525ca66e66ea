// The main job of onnxc: load and verify a model, run the pipeline of the chosen level, write ONNX back out.
using Onnxc.GraphIR;
using Onnxc.GraphIR.Onnx;
using Onnxc.GraphIR.Verification;
using Onnxc.Passes;
using Onnxc.Passes.Opset;

namespace Onnxc.Driver.Compilation;

internal static class Compiler
{
    /// <param name="log">Where pass diagnostics go (--time-passes, --print-ir-after, --debug-rewrites): stderr.</param>
    public static void Compile(CompileOptions options, TextWriter stdout, TextWriter log, CancellationToken cancellation = default)
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

            model = StructuredPruning.Run(model, prune, options, stdout, log, cancellation);
        }

        if (options.Level.IsInt8)
        {
            // Quantization calibrates the graph as it will run: after the float cleanup and fusions.
            model = Int8Compilation.Run(model, options, stdout, log);
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

        Save(model, options);
        if (options.Int8?.EvalDataPath is { } evalData)
        {
            FinalReport.Write(options, evalData, options.Goal, stdout);
        }
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
