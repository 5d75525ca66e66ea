// Tests of ONNX test-data folders (test_data_set_*/input_*.pb): real libonnx-testdata sets and generated bad ones.
using Google.Protobuf;
using Onnxc.Evaluation.Data;
using Onnxc.GraphIR.Onnx;
using Onnxc.TestSupport;

namespace Onnxc.Passes.Tests.Evaluation.Data;

public sealed class TestDataSampleSetTests
{
    private static readonly ModelInputSpec s_x = ModelInputSpec.Float32("x", 3, 4, 5);

    [LibOnnxTestDataFact]
    public void ReadsARealTestDataFolderAndOneSetOfIt()
    {
        string model = Path.Combine(LibOnnxTestDataFactAttribute.NodeTests, "test_abs");
        var expected = TensorProto.Parser.ParseFrom(File.ReadAllBytes(Path.Combine(model, "test_data_set_0", "input_0.pb")));
        float[] want = ToFloats(expected.RawData);
        Assert.Contains(want, v => v < 0);

        foreach (string path in new[] { model, Path.Combine(model, "test_data_set_0") })
        {
            var set = SampleSet.Open(path, [s_x], PreprocessOptions.None);
            Assert.Equal(1, set.Count);
            Assert.False(set.HasLabels);
            Assert.Null(set.FixedBatchSize);
            var tensor = Assert.Single(Assert.Single(set.Batches(32)).Inputs);
            Assert.Equal("x", tensor.Name);
            Assert.Equal(new long[] { 3, 4, 5 }, tensor.Shape);
            Assert.Equal(want, tensor.Data);
        }
    }

    [LibOnnxTestDataFact]
    public void ReadsEveryInputOfARealMultiInputSet()
    {
        var set = SampleSet.Open(
            Path.Combine(LibOnnxTestDataFactAttribute.NodeTests, "test_add"), [s_x, ModelInputSpec.Float32("y", 3, 4, 5)], PreprocessOptions.None);
        var batch = Assert.Single(set.Batches(1));
        Assert.Equal(new[] { "x", "y" }, batch.Inputs.Select(t => t.Name));
        Assert.NotEqual(batch.Inputs[0].Data, batch.Inputs[1].Data);
    }

    [LibOnnxTestDataFact]
    public void RealNonFloatInputsAreAClearError()
    {
        string model = Path.Combine(LibOnnxTestDataFactAttribute.NodeTests, "test_gather_0");
        var e = Assert.Throws<SampleDataException>(() => SampleSet.Open(
            model, [ModelInputSpec.Float32("data", 5, 4, 3, 2), ModelInputSpec.Float32("indices", 3)], PreprocessOptions.None));
        Assert.EndsWith("input_1.pb: tensor is INT64, input 'indices' takes float32", e.Message);
    }

    [Fact]
    public void FloatDataAndRawDataBothWorkAndSetsAreInNumericOrder()
    {
        using var dir = new TempDir();
        foreach (int n in new[] { 10, 2, 0 })
        {
            var tensor = Tensor("x", [1, 2], [n, n + 0.5f], raw: n == 2);
            WriteSet(dir.File($"test_data_set_{n}"), tensor);
        }

        var set = SampleSet.Open(dir.Path, [ModelInputSpec.Float32("x", -1, 2)], PreprocessOptions.None);
        Assert.Equal(3, set.Count);
        Assert.Equal(new[] { 0f, 0.5f, 2, 2.5f, 10, 10.5f }, set.Batches(1).SelectMany(b => b.Inputs[0].Data));
        Assert.Equal(new[] { 2 }, set.Batches(1, [1]).Select(b => (int)b.Inputs[0].Data[0]));
    }

    [Fact]
    public void NamedTensorsMapByNameElseByPosition()
    {
        using var dir = new TempDir();
        ModelInputSpec[] inputs = [ModelInputSpec.Float32("a", 1), ModelInputSpec.Float32("b", 1)];
        WriteSet(dir.File("test_data_set_0"), Tensor("b", [1], [2]), Tensor("a", [1], [1]));
        var byName = Assert.Single(SampleSet.Open(dir.Path, inputs, PreprocessOptions.None).Batches(1));
        Assert.Equal((1f, 2f), (byName["a"].Data[0], byName["b"].Data[0]));

        WriteSet(dir.File("test_data_set_0"), Tensor("", [1], [2]), Tensor("", [1], [1]));
        var byPosition = Assert.Single(SampleSet.Open(dir.Path, inputs, PreprocessOptions.None).Batches(1));
        Assert.Equal((2f, 1f), (byPosition["a"].Data[0], byPosition["b"].Data[0]));
    }

    [Fact]
    public void BadSetsAreClearErrors()
    {
        using var dir = new TempDir();
        string set0 = dir.File("test_data_set_0");
        ModelInputSpec[] one = [s_x];

        string Error(params ModelInputSpec[] inputs) =>
            Assert.Throws<SampleDataException>(() => SampleSet.Open(dir.Path, inputs, PreprocessOptions.None)).Message;

        WriteSet(set0, Tensor("x", [3, 4, 6], new float[72]));
        Assert.EndsWith("input_0.pb: shape [3,4,6] does not fit input 'x' [3,4,5]", Error(one));

        WriteSet(set0, Tensor("x", [3, 4, 5], new float[60]));
        Assert.EndsWith("input_1.pb: missing; the model has 2 input(s)", Error(s_x, ModelInputSpec.Float32("y", 1)));

        WriteSet(set0, Tensor("x", [3, 4, 5], new float[60]), Tensor("y", [1], [1]));
        Assert.EndsWith("input_1.pb: the model has only 1 input(s)", Error(one));

        var nan = new float[60];
        nan[17] = float.NaN;
        WriteSet(set0, Tensor("x", [3, 4, 5], nan));
        Assert.EndsWith("input_0.pb: contains NaN or Inf (at element 17)", Error(one));

        var shortRaw = Tensor("x", [3, 4, 5], new float[60], raw: true);
        shortRaw.RawData = ByteString.CopyFrom(new byte[16]);
        WriteSet(set0, shortRaw);
        Assert.EndsWith("input_0.pb: raw_data has 16 bytes, shape [3,4,5] needs 240", Error(one));

        var external = Tensor("x", [3, 4, 5], new float[60]);
        external.DataLocation = TensorProto.Types.DataLocation.External;
        WriteSet(set0, external);
        Assert.EndsWith("input_0.pb: external tensor data is not supported", Error(one));

        File.WriteAllBytes(Path.Combine(set0, "input_0.pb"), [0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 1, 2]);
        Assert.Contains("input_0.pb: not a serialized TensorProto", Error(one));
    }

    [Fact]
    public void PreprocessDoesNotApplyToTestData()
    {
        using var dir = new TempDir();
        WriteSet(dir.File("test_data_set_0"), Tensor("x", [3, 4, 5], new float[60]));
        Assert.EndsWith("--preprocess does not apply to ONNX test data (its tensors are fed as stored)", Assert.Throws<SampleDataException>(
            () => SampleSet.Open(dir.Path, [s_x], PreprocessOptions.Parse("scale=2"))).Message);
    }

    [Fact]
    public void LaterBadSetsFailWhenRead()
    {
        using var dir = new TempDir();
        WriteSet(dir.File("test_data_set_0"), Tensor("x", [3, 4, 5], new float[60]));
        WriteSet(dir.File("test_data_set_1"), Tensor("x", [3, 4, 5], new float[60], dataType: TensorProto.Types.DataType.Double));
        var set = SampleSet.Open(dir.Path, [s_x], PreprocessOptions.None);
        Assert.EndsWith("input_0.pb: tensor is DOUBLE, input 'x' takes float32", Assert.Throws<SampleDataException>(() => set.Batches(1).ToList()).Message);
    }

    private static TensorProto Tensor(
        string name, long[] dims, float[] values, bool raw = false, TensorProto.Types.DataType dataType = TensorProto.Types.DataType.Float)
    {
        var tensor = new TensorProto { DataType = (int)dataType };
        if (name.Length > 0)
        {
            tensor.Name = name;
        }

        tensor.Dims.AddRange(dims);
        if (raw)
        {
            tensor.RawData = ByteString.CopyFrom(values.SelectMany(BitConverter.GetBytes).ToArray());
        }
        else
        {
            tensor.FloatData.AddRange(values);
        }

        return tensor;
    }

    private static void WriteSet(string folder, params TensorProto[] tensors)
    {
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }

        Directory.CreateDirectory(folder);
        for (int i = 0; i < tensors.Length; i++)
        {
            File.WriteAllBytes(Path.Combine(folder, $"input_{i}.pb"), tensors[i].ToByteArray());
        }
    }

    private static float[] ToFloats(ByteString raw) =>
        System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(raw.Span).ToArray();
}
