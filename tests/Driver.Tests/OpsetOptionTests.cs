// --opset N: the output declares opset N and computes the same; a request onnxc cannot honour is refused cleanly.
using System.Text.Json;
using Onnxc.TestSupport;

namespace Onnxc.Driver.Tests;

public sealed class OpsetOptionTests
{
    [Fact]
    public void UpgradesTheDefaultModelAndKeepsItsResults()
    {
        using var dir = new TempDir();
        string input = Path.Combine(SharedData.RepoRoot, "models", "shapes-cnn.onnx");
        string output = dir.File("out.onnx");

        CliResult result = CliRunner.Run(input, "-O", "0", "--opset", "21", "-o", output);

        Assert.True(result.ExitCode == ExitCodes.Ok, result.ToString());
        Assert.Equal(21, DefaultOpset(output));
        SameOutputs.Assert(input, output, batch: 2);
    }

    [Fact]
    public void WithoutTheOptionTheOpsetIsKept()
    {
        using var dir = new TempDir();
        string input = TestModels.Write(TestModels.Valid(), dir.File("model.onnx"));

        CliResult result = CliRunner.Run(input, "-o", dir.File("out.onnx"));

        Assert.True(result.ExitCode == ExitCodes.Ok, result.ToString());
        Assert.Equal(17, DefaultOpset(dir.File("out.onnx")));
    }

    [Fact]
    public void ABelowTheModelsOpsetIsExit2NamingTheFile()
    {
        using var dir = new TempDir();
        string input = TestModels.Write(TestModels.Valid(), dir.File("model.onnx"));

        CliResult result = CliRunner.Run(input, "--opset", "13", "-o", dir.File("out.onnx"));

        Assert.True(result.ExitCode == ExitCodes.InvalidInput, result.ToString());
        Assert.StartsWith($"onnxc: error: {input}: --opset 13", Assert.Single(result.ErrorLines), StringComparison.Ordinal);
        Assert.Equal(["model.onnx"], FolderSnapshot.Take(dir.Path).Keys);
    }

    [Theory]
    [InlineData("99")]
    [InlineData("0")]
    [InlineData("latest")]
    public void AnOpsetOnnxcDoesNotKnowIsAUsageError(string value)
    {
        CliResult result = CliRunner.Run("model.onnx", "--opset", value, "-o", "out.onnx");

        Assert.True(result.ExitCode == ExitCodes.Usage, result.ToString());
        Assert.Contains("--opset", Assert.Single(result.ErrorLines), StringComparison.Ordinal);
    }

    private static long DefaultOpset(string model)
    {
        CliResult inspect = CliRunner.Run("inspect", model, "--json");
        Assert.True(inspect.ExitCode == ExitCodes.Ok, inspect.ToString());
        using JsonDocument doc = JsonDocument.Parse(inspect.Stdout);
        return doc.RootElement.GetProperty("opsets").EnumerateArray()
            .Single(o => o.GetProperty("domain").GetString() == "ai.onnx")
            .GetProperty("version").GetInt64();
    }
}
