// -O 1 / -O 2 and the pass-manager flags on the command line: listings, diagnostics, and numerics through ORT.
using Microsoft.ML.OnnxRuntime;
using Onnxc.TestSupport;

namespace Onnxc.Driver.Tests;

public sealed class PassOptionTests
{
    private static string DefaultModel => Path.Combine(SharedData.RepoRoot, "models", "shapes-cnn.onnx");

    [Theory]
    [InlineData("1")]
    [InlineData("2")]
    public void Optimized_default_model_matches_the_original_in_ORT(string level)
    {
        using var dir = new TempDir();
        CliResult result = CliRunner.Run(DefaultModel, "-O", level, "-o", dir.File("out.onnx"), "--verify-each");
        Assert.True(result.ExitCode == ExitCodes.Ok, result.ToString());

        var random = new Random(5);
        float[] pixels = [.. Enumerable.Range(0, 4 * 28 * 28).Select(_ => (float)random.NextDouble())];
        var inputs = new Dictionary<string, OrtTensor> { ["input"] = OrtTensor.FromFloats([4, 1, 28, 28], pixels) };
        float[] before = OrtRunner.RunOnce(DefaultModel, inputs, GraphOptimizationLevel.ORT_DISABLE_ALL)[0].ToFloats();
        float[] after = OrtRunner.RunOnce(dir.File("out.onnx"), inputs, GraphOptimizationLevel.ORT_DISABLE_ALL)[0].ToFloats();
        for (int i = 0; i < before.Length; i++)
        {
            // Folding BatchNorm reorders float32 rounding through two convolutions and two Gemms (sums of up to
            // 784 terms): a few ulps per layer, 5e-5 relative at most.
            Assert.True(Math.Abs(before[i] - after[i]) <= 5e-5 * Math.Max(1, Math.Abs(before[i])), $"logit {i}: {before[i]} vs {after[i]}");
        }
    }

    [Fact]
    public void O2_folds_batch_normalization_into_the_convolutions()
    {
        using var dir = new TempDir();
        Assert.Equal(ExitCodes.Ok, CliRunner.Run(DefaultModel, "-O", "2", "-o", dir.File("out.onnx")).ExitCode);
        CliResult inspect = CliRunner.Run("inspect", dir.File("out.onnx"), "--json");
        Assert.DoesNotContain("BatchNormalization", inspect.Stdout);
        Assert.Contains("\"Conv\"", inspect.Stdout);
    }

    [Fact]
    public void Time_passes_and_print_ir_after_write_to_stderr()
    {
        using var dir = new TempDir();
        CliResult result = CliRunner.Run(DefaultModel, "-O", "2", "-o", dir.File("out.onnx"), "--time-passes", "--print-ir-after", "fuse-local");
        Assert.True(result.ExitCode == ExitCodes.Ok, result.ToString());
        Assert.Contains("fuse-local", result.Stderr);
        Assert.Single(result.ErrorLines, l => l.StartsWith("pass ", StringComparison.Ordinal) && l.Contains("runs", StringComparison.Ordinal));
        Assert.Single(result.ErrorLines, l => l.StartsWith("total ", StringComparison.Ordinal));
        Assert.Contains("= Conv(", result.Stderr);
        Assert.Equal(string.Empty, result.Stdout);
    }

    [Fact]
    public void A_disabled_pass_does_not_run()
    {
        using var dir = new TempDir();
        CliResult result = CliRunner.Run(DefaultModel, "-O", "2", "-o", dir.File("out.onnx"), "--disable-pass", "fuse-conv-batchnorm", "--disable-pass", "fuse-local");
        Assert.True(result.ExitCode == ExitCodes.Ok, result.ToString());
        Assert.Contains("BatchNormalization", CliRunner.Run("inspect", dir.File("out.onnx")).Stdout);
    }

    [Theory]
    [InlineData("--disable-pass", "no-such-pass", "unknown pass or rule 'no-such-pass'")]
    [InlineData("--print-ir-after", "no-such-pass", "unknown pass 'no-such-pass' for --print-ir-after")]
    public void Unknown_pass_names_are_usage_errors(string option, string value, string expected)
    {
        using var dir = new TempDir();
        CliResult result = CliRunner.Run(DefaultModel, "-O", "2", "-o", dir.File("out.onnx"), option, value);
        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains(expected, result.Stderr);
        Assert.False(File.Exists(dir.File("out.onnx")));
    }

    [Fact]
    public void List_passes_needs_no_model()
    {
        CliResult result = CliRunner.Run("--list-passes");
        Assert.True(result.ExitCode == ExitCodes.Ok, result.ToString());
        Assert.Contains("fold-constants", result.Stdout);
        Assert.Contains("fuse-local", result.Stdout);
    }

    [Fact]
    public void List_passes_shows_every_stage_of_int8_and_of_a_gpu_target_in_order()
    {
        CliResult result = CliRunner.Run("--list-passes");
        string[] int8 = [.. Passes.Quantization.Stages.Int8Pipelines.Static().Passes.Select(p => p.Name)];
        string[] gpu = [.. Passes.Lowering.KernelLowering.Stages().Passes.Select(p => p.Name)];

        Assert.Contains("plan-int8", int8);
        Assert.Contains("verify-int8", int8);
        Assert.All(int8.Concat(gpu), n => Assert.Contains(result.OutputLines, l => l.StartsWith(n + " ", StringComparison.Ordinal)));
        Assert.Contains("-O int8 runs -O2, then: " + string.Join(", ", int8), result.OutputLines);
        string[] dynamic = [.. Passes.Quantization.Stages.Int8Pipelines.Dynamic().Passes.Select(p => p.Name)];
        Assert.Contains("quantize-dynamic", dynamic);
        Assert.Contains(result.OutputLines, l => l.StartsWith("quantize-dynamic ", StringComparison.Ordinal));
        Assert.Contains("-O int8-dynamic runs -O2, then: " + string.Join(", ", dynamic), result.OutputLines);
        Assert.Contains("a GPU --target (rtx2050) adds: " + string.Join(", ", gpu), result.OutputLines);
    }

    [Fact]
    public void Pass_flags_reach_the_int8_and_gpu_stages()
    {
        using var dir = new TempDir();
        CliResult result = CliRunner.Run(DefaultModel, "-O", "int8", "--calibration", ShippedModel.Calibration, "--preprocess", ShippedModel.Preprocess,
            "--target", "rtx2050", "--verify-each", "--time-passes", "--print-ir-after", "emit-qdq,clean-up-qdq", "-o", dir.File("out.onnx"));

        Assert.True(result.ExitCode == ExitCodes.Ok, result.ToString());
        // One timing table per pipeline, each naming its stages.
        Assert.Equal(["pass (-O2)", "pass (-O int8)", "pass (--target GPU)"], result.ErrorLines.Where(l => l.StartsWith("pass ", StringComparison.Ordinal)).Select(l => l[..36].TrimEnd()));
        Assert.Equal(3, result.ErrorLines.Count(l => l.StartsWith("total ", StringComparison.Ordinal)));
        Assert.All(new[] { "plan-int8", "calibrate", "emit-qdq", "verify-int8", "lower-to-kernels", "embed-kernel-plan" },
            n => Assert.Contains(result.ErrorLines, l => l.StartsWith(n + " ", StringComparison.Ordinal)));
        Assert.Contains(result.ErrorLines, l => l.StartsWith("// ----- IR after emit-qdq", StringComparison.Ordinal));
        Assert.Contains(result.ErrorLines, l => l.StartsWith("// ----- IR after clean-up-qdq", StringComparison.Ordinal));
        Assert.Contains("QuantizeLinear(", result.Stderr);
    }

    [Fact]
    public void A_stage_without_which_there_is_no_int8_model_cannot_be_disabled()
    {
        using var dir = new TempDir();
        CliResult result = CliRunner.Run(DefaultModel, "-O", "int8", "--calibration", ShippedModel.Calibration, "--disable-pass", "emit-qdq", "-o", dir.File("out.onnx"));

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains("pass 'emit-qdq' cannot be disabled", result.Stderr);
        Assert.False(File.Exists(dir.File("out.onnx")));
    }

    [Fact]
    public void Disabling_the_qdq_cleanup_keeps_the_integer_reshapes_in_float()
    {
        using var dir = new TempDir();
        string[] common = [DefaultModel, "-O", "int8", "--calibration", ShippedModel.Calibration, "--preprocess", ShippedModel.Preprocess, "--no-speed-check"];
        Assert.Equal(ExitCodes.Ok, CliRunner.Run([.. common, "-o", dir.File("clean.onnx")]).ExitCode);
        CliResult raw = CliRunner.Run([.. common, "--disable-pass", "clean-up-qdq", "-o", dir.File("raw.onnx")]);

        Assert.True(raw.ExitCode == ExitCodes.Ok, raw.ToString());
        int Nodes(string file) => GraphIR.Onnx.OnnxImporter.Load(file).Graph.Nodes.Count;
        Assert.True(Nodes(dir.File("raw.onnx")) > Nodes(dir.File("clean.onnx")), $"{Nodes(dir.File("raw.onnx"))} nodes without the cleanup vs {Nodes(dir.File("clean.onnx"))} with it");
    }

    [Fact]
    public void List_targets_describes_the_rtx2050()
    {
        CliResult result = CliRunner.Run("--list-targets");
        Assert.True(result.ExitCode == ExitCodes.Ok, result.ToString());
        Assert.Contains("rtx2050", result.Stdout);
        Assert.Contains("sm_86", result.Stdout);
        Assert.Contains("cpu", result.Stdout);
    }
}
