// sparse_initializer: which weights are written sparse, bit-exact round trips, ONNX Runtime running the sparse
// file like the dense one, both index layouts, and malformed sparse tensors refused by name.
using Google.Protobuf;
using Onnxc.GraphIR.Onnx;
using Onnxc.TestSupport;

namespace Onnxc.GraphIR.Tests.Onnx;

public sealed class SparseStorageTests
{
    /// <summary>y = x·W + x·V with x [2, 16] and W, V [16, N].</summary>
    private static Model TwoWeights(float[] w, float[] v)
    {
        var model = new Model("sparse");
        model.SetOpset("", 13);
        model.IrVersion = 7;
        Graph g = model.Graph;
        Value x = g.AddInput("x", new TensorType(ElementType.Float, new TensorShape([2, 16])));
        long n = w.Length / 16;
        Value a = g.AddNode("MatMul", [x, g.AddInitializer("w", TensorData.FromFloats([16, n], w))], ["a"]).Outputs[0]!;
        Value b = g.AddNode("MatMul", [x, g.AddInitializer("v", TensorData.FromFloats([16, n], v))], ["b"]).Outputs[0]!;
        Value y = g.AddNode("Add", [a, b], ["y"]).Outputs[0]!;
        y.Type = new TensorType(ElementType.Float, new TensorShape([2, n]));
        g.AddOutput(y);
        return model;
    }

    private static float[] Sparse(int n, double zeroShare, int seed)
    {
        var rng = new Random(seed);
        return [.. Enumerable.Range(0, n).Select(_ => rng.NextDouble() < zeroShare ? 0f : (float)((rng.NextDouble() * 2) - 1))];
    }

    [Fact]
    public void OnlyWeightsThatAreSmallerSparseAreChosen()
    {
        float[] w = Sparse(512, 0.9, 1);
        Model model = TwoWeights(w, Sparse(512, 0.5, 2));
        SparseStorageEntry entry = Assert.Single(SparseStorage.Plan(model));
        long nnz = w.Count(x => x != 0);
        Assert.Equal(new SparseStorageEntry("w", 512, nnz, 2048, nnz * 12), entry);
        // Under a KiB the message around the sparse tensor costs more than it saves: all zeros, still dense.
        Assert.Empty(SparseStorage.Plan(TwoWeights(new float[128], new float[128])));
    }

    [Fact]
    public void SavedSparseLoadsBackBitExactAndOrtRunsItLikeTheDenseFile()
    {
        using var dir = new TempDir();
        float[] w = Sparse(512, 0.9, 3);
        w[5] = -0.0f; // a negative zero is a value, not a hole: it must come back as -0.0
        float[] v = Sparse(512, 0.5, 4);
        Model model = TwoWeights(w, v);
        OnnxExporter.Save(model, dir.File("dense.onnx"));
        OnnxExporter.Save(model, dir.File("sparse.onnx"), new OnnxSaveOptions { SparseInitializers = true });

        ModelProto proto = OnnxImporter.ReadProto(dir.File("sparse.onnx"));
        SparseTensorProto s = Assert.Single(proto.Graph.SparseInitializer);
        Assert.Equal("w", s.Values.Name);
        Assert.Equal([16L, 32], s.Dims);
        Assert.Equal((int)ElementType.Int64, s.Indices.DataType);
        Assert.Equal(["v"], proto.Graph.Initializer.Select(t => t.Name));
        Assert.True(new FileInfo(dir.File("sparse.onnx")).Length < new FileInfo(dir.File("dense.onnx")).Length - 1000);

        Model back = OnnxImporter.Load(dir.File("sparse.onnx"));
        Assert.Null(back.Graph.FindValue("w")!.Initializer);
        Assert.Equal(1, SparseStorage.Densify(back));
        float[] restored = back.Graph.FindValue("w")!.Initializer!.ToFloats();
        Assert.Equal(w.Select(BitConverter.SingleToInt32Bits), restored.Select(BitConverter.SingleToInt32Bits));

        float[] x = [.. Enumerable.Range(0, 32).Select(i => (i % 7) - 3f)];
        var inputs = new Dictionary<string, OrtTensor> { ["x"] = OrtTensor.FromFloats([2, 16], x) };
        using var dense = new OrtRunner(dir.File("dense.onnx"));
        using var sparse = new OrtRunner(dir.File("sparse.onnx"));
        Assert.Equal(dense.Run(inputs)[0].ToFloats(), sparse.Run(inputs)[0].ToFloats());
    }

    [Fact]
    public void CoordinateIndicesDensifyToo()
    {
        // [NNZ, rank] coordinates, the other layout ONNX allows: (0, 1) = 2 and (1, 0) = 3 in a [2, 2] tensor.
        var values = new TensorProto { Name = "w", DataType = (int)ElementType.Float };
        values.Dims.Add(2);
        values.FloatData.AddRange([2f, 3f]);
        var indices = new TensorProto { DataType = (int)ElementType.Int64 };
        indices.Dims.AddRange([2L, 2]);
        indices.Int64Data.AddRange([0L, 1, 1, 0]);
        Model model = WithSparse(new SparseTensorProto { Values = values, Indices = indices, Dims = { 2, 2 } });
        SparseStorage.Densify(model);
        Assert.Equal([0f, 2f, 3f, 0f], model.Graph.FindValue("w")!.Initializer!.ToFloats());
    }

    [Theory]
    [InlineData(new long[] { 0, 9 }, "index 9 is outside its 4 elements")]
    [InlineData(new long[] { 1 }, "indices of shape [1] do not match 2 values")]
    public void MalformedSparseTensorsAreRefusedByName(long[] at, string message)
    {
        var values = new TensorProto { Name = "w", DataType = (int)ElementType.Float };
        values.Dims.Add(2);
        values.FloatData.AddRange([2f, 3f]);
        var indices = new TensorProto { DataType = (int)ElementType.Int64 };
        indices.Dims.Add(at.Length);
        indices.Int64Data.AddRange(at);
        Model model = WithSparse(new SparseTensorProto { Values = values, Indices = indices, Dims = { 2, 2 } });
        var e = Assert.Throws<InvalidModelException>(() => SparseStorage.Densify(model));
        Assert.Contains("sparse initializer 'w'", e.Message, StringComparison.Ordinal);
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    private static Model WithSparse(SparseTensorProto sparse)
    {
        var graph = new GraphProto { Name = "g" };
        graph.Input.Add(ProtoBuilder.Tensor("x", 1, 2, 2));
        graph.Output.Add(ProtoBuilder.Tensor("y", 1, 2, 2));
        graph.Node.Add(ProtoBuilder.Node("Add", ["x", "w"], ["y"], "add"));
        graph.SparseInitializer.Add(sparse);
        var proto = new ModelProto { IrVersion = 7, Graph = graph };
        proto.OpsetImport.Add(new OperatorSetIdProto { Domain = string.Empty, Version = 13 });
        return OnnxImporter.FromProto(proto);
    }
}
