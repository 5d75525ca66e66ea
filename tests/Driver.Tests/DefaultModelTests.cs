// The README's commands on the model that ships in models/: they work as the README says.
using System.Text.Json;
using Onnxc.TestSupport;

namespace Onnxc.Driver.Tests;

public sealed class DefaultModelTests
{
    private static readonly string s_model = Path.Combine(SharedData.RepoRoot, "models", "shapes-cnn.onnx");

    [Fact]
    public void O0CompilesTheDefaultModelToOneThatComputesTheSame()
    {
        using var dir = new TempDir();
        string output = dir.File("out.onnx");
        byte[] before = File.ReadAllBytes(s_model);

        CliResult result = CliRunner.Run(s_model, "-O", "0", "-o", output);

        Assert.True(result.ExitCode == ExitCodes.Ok, result.ToString());
        Assert.Equal(before, File.ReadAllBytes(s_model));
        SameOutputs.Assert(s_model, output, batch: 4);
    }

    /// <summary>Against the facts models/README.md states about the file.</summary>
    [Fact]
    public void InspectReportsWhatModelsReadmeSays()
    {
        CliResult result = CliRunner.Run("inspect", s_model, "--json");

        Assert.True(result.ExitCode == ExitCodes.Ok, result.ToString());
        using JsonDocument doc = JsonDocument.Parse(result.Stdout);
        JsonElement root = doc.RootElement;
        Assert.Equal(7, root.GetProperty("irVersion").GetInt64());
        Assert.Equal(13, Assert.Single(root.GetProperty("opsets").EnumerateArray()).GetProperty("version").GetInt64());
        Assert.Equal("onnxc-modelmaker", root.GetProperty("producer").GetProperty("name").GetString());
        JsonElement input = Assert.Single(root.GetProperty("inputs").EnumerateArray());
        Assert.Equal("FLOAT[N,1,28,28]", input.GetProperty("type").GetString());
        Assert.Equal("FLOAT[N,10]", Assert.Single(root.GetProperty("outputs").EnumerateArray()).GetProperty("type").GetString());
        Assert.Equal(12, root.GetProperty("nodes").GetInt32());
        JsonElement ops = root.GetProperty("ops");
        Assert.Equal(3, ops.GetProperty("Relu").GetInt32());
        Assert.Equal(2, ops.GetProperty("BatchNormalization").GetInt32());
        Assert.Equal(26770, root.GetProperty("initializers").GetProperty("byElementType").GetProperty("FLOAT").GetProperty("parameters").GetInt64());
        Assert.Equal(new FileInfo(s_model).Length, root.GetProperty("fileBytes").GetInt64());
    }
}
