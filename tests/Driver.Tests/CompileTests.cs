// onnxc MODEL -O 0 -o OUT: the output is a model ONNX Runtime runs with the same results, the input is untouched.
using Onnxc.TestSupport;

namespace Onnxc.Driver.Tests;

public sealed class CompileTests
{
    [Fact]
    public void O0ReemitsAModelThatComputesTheSame()
    {
        using var dir = new TempDir();
        string input = TestModels.Write(TestModels.Valid(), dir.File("model.onnx"));
        string output = dir.File("out.onnx");
        SortedDictionary<string, string> inputBefore = FolderSnapshot.Take(dir.Path);

        CliResult result = CliRunner.Run(input, "-O", "0", "-o", output);

        Assert.True(result.ExitCode == ExitCodes.Ok, result.ToString());
        Assert.Equal(string.Empty, result.Stderr);
        Assert.True(File.Exists(output));
        Assert.False(File.Exists(output + ".data"), "no external data was asked for");
        SameOutputs.Assert(input, output, batch: 3);

        // Only out.onnx is new: the input is unchanged and no temporary file is left.
        SortedDictionary<string, string> after = FolderSnapshot.Take(dir.Path);
        Assert.Equal(inputBefore["model.onnx"], after["model.onnx"]);
        Assert.Equal(["model.onnx", "out.onnx"], after.Keys);
    }

    [Fact]
    public void ExternalDataWritesOutDataBesideOut()
    {
        using var dir = new TempDir();
        Onnxc.GraphIR.Onnx.ModelProto model = TestModels.Valid();

        // Weights big enough to pass any sensible "too small to move out" threshold.
        float[] big = SameOutputs.RandomFloats(4096 * 4, seed: 7);
        model.Graph.Initializer[0] = TestModels.FloatTensor("weight_w", big, 4096, 4);
        model.Graph.Input[0] = TestModels.TensorValue("X", Onnxc.GraphIR.Onnx.TensorProto.Types.DataType.Float, "N", 4096, 4);
        model.Graph.Output[0] = TestModels.TensorValue("Z", Onnxc.GraphIR.Onnx.TensorProto.Types.DataType.Float, "N", 4096, 4);
        string input = TestModels.Write(model, dir.File("model.onnx"));
        string outFolder = Path.Combine(dir.Path, "out");
        Directory.CreateDirectory(outFolder);
        string output = Path.Combine(outFolder, "compiled.onnx");

        CliResult result = CliRunner.Run(input, "-O", "0", "--external-data", "-o", output);

        Assert.True(result.ExitCode == ExitCodes.Ok, result.ToString());
        Assert.True(File.Exists(output + ".data"), "--external-data must write OUT.data beside OUT");
        Assert.True(new FileInfo(output + ".data").Length >= big.Length * sizeof(float), "the weights are in OUT.data");
        Assert.True(new FileInfo(output).Length < big.Length * sizeof(float), "and not in OUT");
        Assert.Equal(["compiled.onnx", "compiled.onnx.data"], FolderSnapshot.Take(outFolder).Keys);
        SameOutputs.Assert(input, output, batch: 2);
    }

    [Fact]
    public void ExternalDataInputIsReadFromBesideTheModel()
    {
        using var dir = new TempDir();
        Onnxc.GraphIR.Onnx.ModelProto model = TestModels.Valid();
        File.WriteAllBytes(dir.File("weights.bin"), [.. new byte[8], .. TestModels.RawBytes(TestModels.Weight)]);
        TestModels.MakeExternal(model.Graph.Initializer[0], "weights.bin", offset: 8, length: 16);
        string input = TestModels.Write(model, dir.File("model.onnx"));
        string output = dir.File("out.onnx");

        CliResult result = CliRunner.Run(input, "-O", "0", "-o", output);

        Assert.True(result.ExitCode == ExitCodes.Ok, result.ToString());
        SameOutputs.Assert(input, output, batch: 2);
    }

    [Fact]
    public void OverwritesAnExistingOutput()
    {
        using var dir = new TempDir();
        string input = TestModels.Write(TestModels.Valid(), dir.File("model.onnx"));
        string output = dir.File("out.onnx");
        File.WriteAllText(output, "old contents");

        CliResult result = CliRunner.Run(input, "-o", output);

        Assert.True(result.ExitCode == ExitCodes.Ok, result.ToString());
        SameOutputs.Assert(input, output, batch: 1);
    }

    [SharedTheory]
    [InlineData("mnist-8.onnx")]
    [InlineData("cifar10-resnet20-akamaster.onnx")]
    [InlineData("squeezenet1.1-caffe2-fp32.onnx")]
    public void O0KeepsRealModelsNumericallyIdentical(string fileName)
    {
        using var dir = new TempDir();
        string input = SharedData.Model(fileName);
        string output = dir.File("out.onnx");
        byte[] inputBytes = File.ReadAllBytes(input);

        CliResult result = CliRunner.Run(input, "-O", "0", "-o", output);

        Assert.True(result.ExitCode == ExitCodes.Ok, result.ToString());
        Assert.Equal(inputBytes, File.ReadAllBytes(input));
        SameOutputs.Assert(input, output, batch: 1);
    }
}
