// -O int8 --target rtx2050 embeds a kernel plan that ORT ignores and `onnxc run` executes (CPU accelerator here).
using Microsoft.ML.OnnxRuntime;
using Onnxc.Evaluation;
using Onnxc.TestSupport;

namespace Onnxc.Driver.Tests;

public sealed class RunCommandTests
{
    private static string Models(params string[] parts) => Path.Combine([SharedData.RepoRoot, "models", .. parts]);

    [Fact]
    public void Lowered_model_runs_in_ORT_unchanged_and_on_our_runtime_with_the_same_top1()
    {
        using var dir = new TempDir();
        string model = dir.File("gpu.onnx");
        CliResult compile = CliRunner.Run(Models("shapes-cnn.onnx"), "-O", "int8", "--target", "rtx2050", "--calibration", Models("shapes-calib", "images.npy"),
            "--preprocess", "scale=0.00392156862745098", "--calibration-samples", "64", "-o", model);
        Assert.True(compile.ExitCode == ExitCodes.Ok, compile.ToString());
        Assert.Contains("peak device memory", compile.Stdout);
        Assert.Contains("PTX:", compile.Stdout);

        var random = new Random(9);
        float[] pixels = [.. Enumerable.Range(0, 28 * 28).Select(i => (i % 28 > 8 && i % 28 < 20 && i / 28 > 8 && i / 28 < 20) ? 0.9f : (float)random.NextDouble() * 0.1f)];
        NpyWriter.WriteFloat32(dir.File("x.npy"), [1, 1, 28, 28], pixels);
        float[] ort = OrtRunner.RunOnce(model, new Dictionary<string, OrtTensor> { ["input"] = OrtTensor.FromFloats([1, 1, 28, 28], pixels) }, GraphOptimizationLevel.ORT_DISABLE_ALL)[0].ToFloats();

        CliResult run = CliRunner.Run("run", model, "--target", "rtx2050", "--input", dir.File("x.npy"), "--output", dir.File("y.npy"), "--cpu");
        Assert.True(run.ExitCode == ExitCodes.Ok, run.ToString());
        Assert.Contains("device: CPU", run.Stdout);
        byte[] y = File.ReadAllBytes(dir.File("y.npy"));
        float[] ours = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(y.AsSpan(y.Length - 40)).ToArray();
        Assert.Equal(Metrics.ArgMax(ort), Metrics.ArgMax(ours));
    }

    [Fact]
    public void Plan_batch_sizes_the_plan_for_a_symbolic_batch()
    {
        using var dir = new TempDir();
        string model = dir.File("gpu-b4.onnx");
        CliResult compile = CliRunner.Run(Models("shapes-cnn.onnx"), "-O", "int8", "--target", "rtx2050", "--plan-batch", "4",
            "--calibration", Models("shapes-calib", "images.npy"), "--preprocess", "scale=0.00392156862745098", "--calibration-samples", "32", "-o", model);
        Assert.True(compile.ExitCode == ExitCodes.Ok, compile.ToString());

        var random = new Random(4);
        float[] pixels = [.. Enumerable.Range(0, 4 * 28 * 28).Select(_ => (float)random.NextDouble())];
        NpyWriter.WriteFloat32(dir.File("x4.npy"), [4, 1, 28, 28], pixels);
        float[] ort = OrtRunner.RunOnce(model, new Dictionary<string, OrtTensor> { ["input"] = OrtTensor.FromFloats([4, 1, 28, 28], pixels) }, GraphOptimizationLevel.ORT_DISABLE_ALL)[0].ToFloats();
        CliResult run = CliRunner.Run("run", model, "--target", "rtx2050", "--input", dir.File("x4.npy"), "--output", dir.File("y4.npy"), "--cpu");
        Assert.True(run.ExitCode == ExitCodes.Ok, run.ToString());
        byte[] y = File.ReadAllBytes(dir.File("y4.npy"));
        float[] ours = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(y.AsSpan(y.Length - (4 * 40))).ToArray();
        for (int n = 0; n < 4; n++)
        {
            Assert.Equal(Metrics.ArgMax(ort.AsSpan(n * 10, 10)), Metrics.ArgMax(ours.AsSpan(n * 10, 10)));
        }

        NpyWriter.WriteFloat32(dir.File("x1.npy"), [1, 1, 28, 28], pixels.AsSpan(0, 784).ToArray());
        CliResult wrongBatch = CliRunner.Run("run", model, "--target", "rtx2050", "--input", dir.File("x1.npy"), "--cpu");
        Assert.Equal(ExitCodes.InvalidInput, wrongBatch.ExitCode);
        Assert.Contains("x1.npy", wrongBatch.Stderr);
    }

    [Fact]
    public void Plan_batch_needs_a_gpu_target_and_a_positive_size()
    {
        using var dir = new TempDir();
        CliResult cpu = CliRunner.Run(Models("shapes-cnn.onnx"), "-O", "int8", "--plan-batch", "4",
            "--calibration", Models("shapes-calib", "images.npy"), "-o", dir.File("q.onnx"));
        Assert.Equal(ExitCodes.Usage, cpu.ExitCode);
        Assert.Contains("--plan-batch", cpu.Stderr);
        CliResult zero = CliRunner.Run(Models("shapes-cnn.onnx"), "-O", "int8", "--target", "rtx2050", "--plan-batch", "0",
            "--calibration", Models("shapes-calib", "images.npy"), "-o", dir.File("q.onnx"));
        Assert.Equal(ExitCodes.Usage, zero.ExitCode);
        Assert.Contains("--plan-batch must be a positive number", zero.Stderr);
        Assert.False(File.Exists(dir.File("q.onnx")));
    }

    [Fact]
    public void A_model_without_a_plan_is_refused_clearly()
    {
        using var dir = new TempDir();
        NpyWriter.WriteFloat32(dir.File("x.npy"), [1, 1, 28, 28], new float[784]);
        CliResult run = CliRunner.Run("run", Models("shapes-cnn.onnx"), "--target", "rtx2050", "--input", dir.File("x.npy"));
        Assert.Equal(ExitCodes.InvalidInput, run.ExitCode);
        Assert.Contains("no usable kernel plan", run.Stderr);
    }

    [Fact]
    public void Lowering_needs_the_qdq_format()
    {
        using var dir = new TempDir();
        CliResult result = CliRunner.Run(Models("shapes-cnn.onnx"), "-O", "int8", "--target", "rtx2050", "--format", "qoperator",
            "--calibration", Models("shapes-calib", "images.npy"), "-o", dir.File("q.onnx"));
        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains("cannot be lowered", result.Stderr);
    }
}
