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
    public void List_targets_describes_the_rtx2050()
    {
        CliResult result = CliRunner.Run("--list-targets");
        Assert.True(result.ExitCode == ExitCodes.Ok, result.ToString());
        Assert.Contains("rtx2050", result.Stdout);
        Assert.Contains("sm_86", result.Stdout);
        Assert.Contains("cpu", result.Stdout);
    }
}
