// onnxc inspect: the text and JSON forms report what the model holds, and the JSON is stable.
using System.Text.Json;
using Onnxc.TestSupport;

namespace Onnxc.Driver.Tests;

public sealed class InspectTests
{
    [Fact]
    public void TextNamesVersionsShapesOpsAndSizes()
    {
        using var dir = new TempDir();
        string path = TestModels.Write(TestModels.Valid(), dir.File("model.onnx"));

        CliResult result = CliRunner.Run("inspect", path);

        Assert.True(result.ExitCode == ExitCodes.Ok, result.ToString());
        Assert.Equal(string.Empty, result.Stderr);
        string text = result.Stdout;
        Assert.Contains($"file:         {path} ({new FileInfo(path).Length:N0} bytes)", text, StringComparison.Ordinal);
        Assert.Contains("ir version:   8", text, StringComparison.Ordinal);
        Assert.Contains("opsets:       ai.onnx v17", text, StringComparison.Ordinal);
        Assert.Contains("producer:     onnxc-driver-tests 1.0", text, StringComparison.Ordinal);
        Assert.Contains("  X  FLOAT[N,4]", text, StringComparison.Ordinal);
        Assert.Contains("  Z  FLOAT[N,4]", text, StringComparison.Ordinal);
        Assert.Contains("nodes:        4", text, StringComparison.Ordinal);
        Assert.Matches(@"\n  Softmax\s+1\n", text);
        Assert.Contains("initializers: 2 tensors, 8 parameters, 32 bytes", text, StringComparison.Ordinal);
        Assert.Matches(@"\n  FLOAT\s+2 tensors\s+8 parameters\s+32 bytes\n", text);
    }

    [Fact]
    public void JsonHasTheDocumentedSchema()
    {
        using var dir = new TempDir();
        string path = TestModels.Write(TestModels.Valid(), dir.File("model.onnx"));

        CliResult result = CliRunner.Run("inspect", path, "--json");

        Assert.True(result.ExitCode == ExitCodes.Ok, result.ToString());
        using JsonDocument doc = JsonDocument.Parse(result.Stdout);
        JsonElement root = doc.RootElement;
        Assert.Equal(
            ["schemaVersion", "file", "fileBytes", "externalData", "irVersion", "opsets", "producer", "inputs", "outputs", "nodes", "ops", "initializers", "macs"],
            root.EnumerateObject().Select(p => p.Name));
        Assert.Equal(path, root.GetProperty("file").GetString());
        Assert.Equal(new FileInfo(path).Length, root.GetProperty("fileBytes").GetInt64());
        Assert.Equal(8, root.GetProperty("irVersion").GetInt64());
        JsonElement opset = Assert.Single(root.GetProperty("opsets").EnumerateArray());
        Assert.Equal("ai.onnx", opset.GetProperty("domain").GetString());
        Assert.Equal(17, opset.GetProperty("version").GetInt64());
        Assert.Equal("onnxc-driver-tests", root.GetProperty("producer").GetProperty("name").GetString());

        JsonElement input = Assert.Single(root.GetProperty("inputs").EnumerateArray());
        Assert.Equal("X", input.GetProperty("name").GetString());
        Assert.Equal("FLOAT", input.GetProperty("elementType").GetString());
        JsonElement[] shape = [.. input.GetProperty("shape").EnumerateArray()];
        Assert.Equal("N", shape[0].GetString());
        Assert.Equal(4, shape[1].GetInt64());

        Assert.Equal(4, root.GetProperty("nodes").GetInt32());
        Assert.Equal(
            [("Add", 1), ("Mul", 1), ("Relu", 1), ("Softmax", 1)],
            root.GetProperty("ops").EnumerateObject().Select(p => (p.Name, p.Value.GetInt32())));
        JsonElement inits = root.GetProperty("initializers");
        Assert.Equal(2, inits.GetProperty("tensors").GetInt32());
        Assert.Equal(8, inits.GetProperty("parameters").GetInt64());
        Assert.Equal(32, inits.GetProperty("bytes").GetInt64());
        JsonElement floats = inits.GetProperty("byElementType").GetProperty("FLOAT");
        Assert.Equal(8, floats.GetProperty("parameters").GetInt64());
        Assert.Equal(32, floats.GetProperty("bytes").GetInt64());
    }

    /// <summary>
    /// Conv [N,3,8,8] → [N,4,8,8] with a 3×3 kernel: 4·8·8 outputs × 3·3·3 = 6,912 MACs; the flattened 256 values
    /// into a 256×5 MatMul: 1,280. No intermediate shape is declared, so the counts come from inference.
    /// </summary>
    [Fact]
    public void MacsAreCountedPerOpTypeFromInferredShapes()
    {
        using var dir = new TempDir();
        var graph = new Onnxc.GraphIR.Onnx.GraphProto { Name = "macs" };
        graph.Input.Add(TestModels.TensorValue("X", Onnxc.GraphIR.Onnx.TensorProto.Types.DataType.Float, "N", 3, 8, 8));
        graph.Output.Add(TestModels.TensorValue("Z", Onnxc.GraphIR.Onnx.TensorProto.Types.DataType.Float, "N", 5));
        graph.Initializer.Add(TestModels.FloatTensor("w", new float[4 * 3 * 3 * 3], 4, 3, 3, 3));
        graph.Initializer.Add(TestModels.FloatTensor("m", new float[256 * 5], 256, 5));
        Onnxc.GraphIR.Onnx.NodeProto conv = TestModels.Node("conv", "Conv", ["X", "w"], ["c"]);
        conv.Attribute.Add(new Onnxc.GraphIR.Onnx.AttributeProto
        {
            Name = "pads",
            Type = Onnxc.GraphIR.Onnx.AttributeProto.Types.AttributeType.Ints,
            Ints = { 1, 1, 1, 1 },
        });
        graph.Node.Add(conv);
        graph.Node.Add(TestModels.Node("flatten", "Flatten", ["c"], ["f"]));
        graph.Node.Add(TestModels.Node("matmul", "MatMul", ["f", "m"], ["Z"]));
        Onnxc.GraphIR.Onnx.ModelProto model = TestModels.Valid();
        model.Graph = graph;
        string path = TestModels.Write(model, dir.File("model.onnx"));

        CliResult text = CliRunner.Run("inspect", path);
        CliResult json = CliRunner.Run("inspect", path, "--json");

        Assert.True(text.ExitCode == ExitCodes.Ok, text.ToString());
        Assert.Contains("MACs:         8,192 at batch 1 (16.38 k FLOPs)\n", text.Stdout, StringComparison.Ordinal);
        Assert.Matches(@"\n  Conv\s+6,912\s+84\.4%\n  MatMul\s+1,280\s+15\.6%\n", text.Stdout);
        using JsonDocument doc = JsonDocument.Parse(json.Stdout);
        JsonElement macs = doc.RootElement.GetProperty("macs");
        Assert.Equal(8192, macs.GetProperty("total").GetInt64());
        Assert.Equal(
            [("Conv", 6912L), ("MatMul", 1280L)],
            macs.GetProperty("perOpType").EnumerateObject().Select(p => (p.Name, p.Value.GetInt64())));
        Assert.Empty(macs.GetProperty("uncountedNodes").EnumerateArray());
    }

    [Fact]
    public void JsonIsByteForByteStable()
    {
        using var dir = new TempDir();
        string path = TestModels.Write(TestModels.Valid(), dir.File("model.onnx"));

        string first = CliRunner.Run("inspect", path, "--json").Stdout;
        string second = CliRunner.Run("inspect", path, "--json").Stdout;

        Assert.Equal(first, second);
        Assert.DoesNotContain("\r", first, StringComparison.Ordinal);
    }

    [Fact]
    public void ExternalDataFilesAreListedWithTheirSize()
    {
        using var dir = new TempDir();
        Onnxc.GraphIR.Onnx.ModelProto model = TestModels.Valid();
        File.WriteAllBytes(dir.File("weights.bin"), TestModels.RawBytes(TestModels.Weight));
        TestModels.MakeExternal(model.Graph.Initializer[0], "weights.bin", offset: 0, length: 16);
        string path = TestModels.Write(model, dir.File("model.onnx"));

        CliResult result = CliRunner.Run("inspect", path, "--json");

        Assert.True(result.ExitCode == ExitCodes.Ok, result.ToString());
        using JsonDocument doc = JsonDocument.Parse(result.Stdout);
        JsonElement file = Assert.Single(doc.RootElement.GetProperty("externalData").EnumerateArray());
        Assert.Equal("weights.bin", file.GetProperty("location").GetString());
        Assert.Equal(16, file.GetProperty("bytes").GetInt64());
        Assert.Equal(32, doc.RootElement.GetProperty("initializers").GetProperty("bytes").GetInt64());
    }

    /// <summary>Checked against the facts in ../shared/models/MANIFEST.md, which were measured with other tools.</summary>
    [SharedFact]
    public void Mnist8MatchesTheManifest()
    {
        string path = SharedData.Model("mnist-8.onnx");

        CliResult result = CliRunner.Run("inspect", path, "--json");

        Assert.True(result.ExitCode == ExitCodes.Ok, result.ToString());
        using JsonDocument doc = JsonDocument.Parse(result.Stdout);
        JsonElement root = doc.RootElement;
        Assert.Equal(3, root.GetProperty("irVersion").GetInt64());
        Assert.Equal(8, Assert.Single(root.GetProperty("opsets").EnumerateArray()).GetProperty("version").GetInt64());
        Assert.Equal("CNTK", root.GetProperty("producer").GetProperty("name").GetString());
        JsonElement input = Assert.Single(root.GetProperty("inputs").EnumerateArray());
        Assert.Equal("Input3", input.GetProperty("name").GetString());
        Assert.Equal([1L, 1, 28, 28], input.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()));
        Assert.Equal(12, root.GetProperty("nodes").GetInt32());
        Assert.Equal(
            [("Add", 3), ("Conv", 2), ("MaxPool", 2), ("Relu", 2), ("Reshape", 2), ("MatMul", 1)],
            root.GetProperty("ops").EnumerateObject().Select(p => (p.Name, p.Value.GetInt32())));
        Assert.Equal(5998, root.GetProperty("initializers").GetProperty("parameters").GetInt64());
        Assert.Equal(26454, root.GetProperty("fileBytes").GetInt64());
    }

    [SharedFact]
    public void Resnet20ShowsTheSymbolicBatchDim()
    {
        CliResult result = CliRunner.Run("inspect", SharedData.Model("cifar10-resnet20-akamaster.onnx"));

        Assert.True(result.ExitCode == ExitCodes.Ok, result.ToString());
        Assert.Contains("  input  FLOAT[N,3,32,32]", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("  logits  FLOAT[N,10]", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("269,034 parameters", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("nodes:        113", result.Stdout, StringComparison.Ordinal);
    }
}
