// --provider cpu|cuda on eval and on the compile's verification: CUDA where it is missing is one line and exit 2.
using Onnxc.TestSupport;

namespace Onnxc.Driver.Tests;

public sealed class ProviderOptionTests
{

    /// <summary>Whether this process's ONNX Runtime can make a CUDA session (a GPU build on a machine with CUDA).</summary>
    private static bool CudaWorks()
    {
        try
        {
            using var options = new Microsoft.ML.OnnxRuntime.SessionOptions();
            options.AppendExecutionProvider_CUDA(0);
            return true;
        }
        catch (Exception e) when (e is Microsoft.ML.OnnxRuntime.OnnxRuntimeException or EntryPointNotFoundException or DllNotFoundException)
        {
            return false;
        }
    }

    [Fact]
    public void EvalOnCudaWithoutCudaIsOneLineAndExit2()
    {
        Assert.False(CudaWorks(), "the tests build on ORT's CPU package, which has no CUDA provider");

        CliResult r = CliRunner.Run("eval", ShippedModel.Model, "--data", ShippedModel.Test, "--preprocess", ShippedModel.Preprocess, "--limit", "50", "--provider", "cuda");

        Assert.True(r.ExitCode == ExitCodes.InvalidInput, r.ToString());
        Assert.Equal(string.Empty, r.Stdout);
        string line = Assert.Single(r.Stderr.ReplaceLineEndings("\n").TrimEnd('\n').Split('\n'));
        Assert.StartsWith("onnxc: error: the CUDA execution provider is not available: ", line, StringComparison.Ordinal);
        Assert.Contains("-p:OnnxcOrt=gpu", line, StringComparison.Ordinal);
    }

    [Fact]
    public void EvalOnCpuMeasuresWhatTheDefaultMeasures()
    {
        CliResult plain = CliRunner.Run("eval", ShippedModel.Model, "--data", ShippedModel.Test, "--preprocess", ShippedModel.Preprocess, "--limit", "200", "--json");
        CliResult cpu = CliRunner.Run("eval", ShippedModel.Model, "--data", ShippedModel.Test, "--preprocess", ShippedModel.Preprocess, "--limit", "200", "--json", "--provider", "cpu");

        Assert.True(plain.ExitCode == ExitCodes.Ok, plain.ToString());
        Assert.True(cpu.ExitCode == ExitCodes.Ok, cpu.ToString());
        using var a = System.Text.Json.JsonDocument.Parse(plain.Stdout);
        using var b = System.Text.Json.JsonDocument.Parse(cpu.Stdout);
        Assert.Equal(a.RootElement.GetProperty("model").GetProperty("accuracy").GetProperty("top1").GetDouble(), b.RootElement.GetProperty("model").GetProperty("accuracy").GetProperty("top1").GetDouble());
    }

    [Fact]
    public void CompileVerifyingOnCudaWithoutCudaWritesNothing()
    {
        using var dir = new TempDir();
        string output = dir.File("out.onnx");

        CliResult r = CliRunner.Run(ShippedModel.Model, "-O", "int8", "--calibration", ShippedModel.Calibration, "--preprocess", ShippedModel.Preprocess, "--no-speed-check",
            "--provider", "cuda", "-o", output);

        Assert.True(r.ExitCode == ExitCodes.InvalidInput, r.ToString());
        Assert.Contains("onnxc: error: the CUDA execution provider is not available", r.Stderr, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(dir.Path));
    }

    [Fact]
    public void AnUnknownProviderIsAUsageError()
    {
        CliResult r = CliRunner.Run("eval", ShippedModel.Model, "--data", ShippedModel.Test, "--provider", "tpu");

        Assert.True(r.ExitCode == ExitCodes.Usage, r.ToString());
        Assert.Contains("tpu", r.Stderr, StringComparison.Ordinal);
    }
}
