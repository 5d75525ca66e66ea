// Round trips through the importer and exporter: payloads, attributes, subgraphs, functions, unknown fields.
using Google.Protobuf;
using Onnxc.GraphIR.Onnx;
using Onnxc.TestSupport;
using static Onnxc.GraphIR.Tests.Onnx.ProtoBuilder;

namespace Onnxc.GraphIR.Tests.Onnx;

public sealed class ImportExportTests
{
    private static ModelProto RoundTrip(ModelProto proto, string? baseDirectory = null) =>
        OnnxExporter.ToProto(OnnxImporter.FromProto(ModelProto.Parser.ParseFrom(proto.ToByteArray()), baseDirectory));

    [Theory]
    [InlineData(10, 2)] // FLOAT16, NaN payloads and subnormals included
    [InlineData(16, 2)] // BFLOAT16
    [InlineData(17, 1)] // FLOAT8E4M3FN
    [InlineData(19, 1)] // FLOAT8E5M2
    [InlineData(24, 1)] // FLOAT8E8M0
    public void Raw_payloads_of_narrow_float_types_are_kept_bit_exact(int dataType, int width)
    {
        byte[] raw = new byte[6 * width];
        new Random(dataType).NextBytes(raw);
        raw[0] = 0xFF; // an all-ones pattern: a NaN with payload in every format here
        ModelProto result = RoundTrip(ReluModel(RawTensor("w", dataType, [2, 3], raw)));
        Assert.Equal(raw, result.Graph.Initializer[0].RawData.ToByteArray());
        Assert.Equal(dataType, result.Graph.Initializer[0].DataType);
    }

    [Theory]
    [InlineData(22, 5, 3)] // INT4: 5 elements pack into 3 bytes, low nibble first
    [InlineData(21, 4, 2)] // UINT4
    [InlineData(26, 5, 2)] // INT2: four per byte
    public void Packed_sub_byte_tensors_keep_their_bytes(int dataType, long count, int bytes)
    {
        byte[] raw = [.. Enumerable.Range(0, bytes).Select(i => (byte)(0x3A + i * 17))];
        ModelProto result = RoundTrip(ReluModel(RawTensor("w", dataType, [count], raw)));
        Assert.Equal(raw, result.Graph.Initializer[0].RawData.ToByteArray());
    }

    [Fact]
    public void Typed_fields_become_the_same_values_as_raw_bytes()
    {
        var f16 = new TensorProto { Name = "h", DataType = 10 };
        f16.Dims.Add(2);
        f16.Int32Data.AddRange([0x3C00, 0x7E01]); // 1.0 and a NaN with payload
        var i8 = new TensorProto { Name = "b", DataType = 3 };
        i8.Dims.Add(3);
        i8.Int32Data.AddRange([-128, 0, 127]);
        var f = new TensorProto { Name = "f", DataType = 1 };
        f.Dims.Add(2);
        f.FloatData.AddRange([1.5f, -0f]);
        var u32 = new TensorProto { Name = "u", DataType = 12 };
        u32.Dims.Add(1);
        u32.Uint64Data.Add(0xFFFFFFFF);
        var i64 = new TensorProto { Name = "l", DataType = 7 };
        i64.Dims.Add(1);
        i64.Int64Data.Add(long.MinValue);

        Model model = OnnxImporter.FromProto(ReluModel(f16, i8, f, u32, i64));
        TensorData Data(string name) => model.Graph.FindValue(name)!.Initializer!;

        Assert.Equal(new byte[] { 0x00, 0x3C, 0x01, 0x7E }, Data("h").GetBytes().ToArray());
        Assert.Equal(new byte[] { 0x80, 0x00, 0x7F }, Data("b").GetBytes().ToArray());
        Assert.Equal([1.5f, -0f], Data("f").ToFloats());
        Assert.True(float.IsNegative(Data("f").ToFloats()[1]));
        Assert.Equal(new byte[] { 0xFF, 0xFF, 0xFF, 0xFF }, Data("u").GetBytes().ToArray());
        Assert.Equal([long.MinValue], Data("l").ToInt64s());
    }

    [Fact]
    public void Unknown_fields_survive_a_round_trip_on_model_node_attribute_and_tensor()
    {
        // Field 999 (varint 7) and field 998 (length-delimited "hi") are in no version of our schema.
        byte[] unknown = [0xB8, 0x3E, 0x07, 0xB2, 0x3E, 0x02, (byte)'h', (byte)'i'];
        ModelProto proto = ReluModel(RawTensor("w", 1, [1], new byte[4]));
        proto.MergeFrom(unknown);
        proto.Graph.Node[0].MergeFrom(unknown);
        proto.Graph.Initializer[0].MergeFrom(unknown);
        var attribute = new AttributeProto { Name = "a", Type = AttributeProto.Types.AttributeType.Int, I = 0 };
        attribute.MergeFrom(unknown);
        proto.Graph.Node[0].Attribute.Add(attribute);

        ModelProto result = RoundTrip(proto);

        Assert.Equal(proto, result);
        Assert.True(result.Graph.Node[0].Attribute[0].HasI, "an INT attribute of 0 is still written");
    }

    [Fact]
    public void Every_attribute_kind_round_trips()
    {
        var tensor = RawTensor("t", 1, [1], BitConverter.GetBytes(2.5f));
        var typeProto = Tensor("unused", 7, 3).Type;
        var sparse = new SparseTensorProto { Values = RawTensor("sv", 1, [1], new byte[4]), Indices = RawTensor("si", 7, [1], new byte[8]) };
        sparse.Dims.Add(4);
        AttributeProto[] attributes =
        [
            new() { Name = "f", Type = AttributeProto.Types.AttributeType.Float, F = 0.25f },
            new() { Name = "i", Type = AttributeProto.Types.AttributeType.Int, I = -3 },
            new() { Name = "s", Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFrom(0xFF, 0x00) },
            new() { Name = "t", Type = AttributeProto.Types.AttributeType.Tensor, T = tensor },
            new() { Name = "tp", Type = AttributeProto.Types.AttributeType.TypeProto, Tp = typeProto },
            new() { Name = "st", Type = AttributeProto.Types.AttributeType.SparseTensor, SparseTensor = sparse },
            new() { Name = "fs", Type = AttributeProto.Types.AttributeType.Floats, Floats = { 1f, float.NaN } },
            new() { Name = "is", Type = AttributeProto.Types.AttributeType.Ints, Ints = { 1, long.MaxValue } },
            new() { Name = "ss", Type = AttributeProto.Types.AttributeType.Strings, Strings = { ByteString.CopyFromUtf8("a"), ByteString.Empty } },
            new() { Name = "ts", Type = AttributeProto.Types.AttributeType.Tensors, Tensors = { tensor, tensor } },
            new() { Name = "tps", Type = AttributeProto.Types.AttributeType.TypeProtos, TypeProtos = { typeProto } },
            new() { Name = "sts", Type = AttributeProto.Types.AttributeType.SparseTensors, SparseTensors = { sparse } },
            new() { Name = "r", Type = AttributeProto.Types.AttributeType.Float, RefAttrName = "outer", DocString = "doc" },
        ];
        ModelProto proto = ReluModel();
        proto.Graph.Node.Add(Node("Custom", ["y"], ["z"], "custom", attributes));
        proto.Graph.Node[1].Domain = "test.domain";

        Assert.Equal(proto, RoundTrip(proto));
    }

    [Fact]
    public void Attributes_without_a_type_field_get_the_kind_of_the_field_that_is_set()
    {
        ModelProto proto = ReluModel();
        proto.Graph.Node[0].Attribute.Add(new AttributeProto { Name = "legacy", Ints = { 1, 2 } });
        Model model = OnnxImporter.FromProto(proto);
        Assert.Equal(AttributeKind.Ints, model.Graph.Nodes[0].Attribute("legacy")!.Kind);
    }

    [Fact]
    public void Subgraphs_read_outer_values_and_round_trip()
    {
        var thenBranch = new GraphProto { Name = "then" };
        thenBranch.Node.Add(Node("Relu", ["x"], ["t_out"]));
        thenBranch.Output.Add(Tensor("t_out", 1, 2, 3));
        var elseBranch = new GraphProto { Name = "else" };
        elseBranch.Output.Add(Tensor("x", 1, 2, 3)); // an outer value as a branch output
        ModelProto proto = ReluModel();
        proto.Graph.Input.Add(Tensor("c", 9));
        proto.Graph.Node.Add(Node("If", ["c"], ["z"], "if",
            new AttributeProto { Name = "then_branch", Type = AttributeProto.Types.AttributeType.Graph, G = thenBranch },
            new AttributeProto { Name = "else_branch", Type = AttributeProto.Types.AttributeType.Graph, G = elseBranch }));
        proto.Graph.Output.Add(Tensor("z", 1, 2, 3));

        Model model = OnnxImporter.FromProto(proto);
        Value x = model.Graph.FindValue("x")!;
        Node inner = model.Graph.Nodes[1].Attribute("then_branch")!.G!.Nodes[0];
        Assert.Contains(new Use(inner, 0), x.Uses);
        Assert.Equal(model.Graph.Nodes[1], inner.Graph.ParentNode);
        Assert.Equal(proto, OnnxExporter.ToProto(model));
    }

    [Fact]
    public void Model_local_functions_and_metadata_round_trip()
    {
        var function = new FunctionProto { Name = "AddSelf", Domain = "local", DocString = "x + x" };
        function.Input.Add("a");
        function.Output.Add("b");
        function.Attribute.Add("alpha");
        function.Node.Add(Node("Add", ["a", "a"], ["b"]));
        function.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 13 });
        ModelProto proto = ReluModel();
        proto.Functions.Add(function);
        proto.OpsetImport.Add(new OperatorSetIdProto { Domain = "local", Version = 1 });
        proto.Graph.Node.Add(Node("AddSelf", ["y"], ["z"]));
        proto.Graph.Node[1].Domain = "local";
        proto.MetadataProps.Add(new StringStringEntryProto { Key = "k", Value = "v" });
        proto.Graph.DocString = "graph doc";

        Assert.Equal(proto, RoundTrip(proto));
    }

    [Fact]
    public void Symbolic_and_unknown_dims_and_denotations_round_trip()
    {
        ModelProto proto = ReluModel();
        TensorShapeProto shape = proto.Graph.Input[0].Type.TensorType.Shape;
        shape.Dim[0] = new TensorShapeProto.Types.Dimension { DimParam = "N", Denotation = "DATA_BATCH" };
        shape.Dim[1] = new TensorShapeProto.Types.Dimension();
        proto.Graph.Input[0].Type.Denotation = "TENSOR";
        Model model = OnnxImporter.FromProto(proto);
        TensorShape ir = model.Graph.Inputs[0].Shape!;
        Assert.Equal("N", ir[0].Param);
        Assert.False(ir[1].IsKnown);
        Assert.Equal(proto, OnnxExporter.ToProto(model));
    }

    [Theory]
    [InlineData(new long[] { 2, 3 }, 20, "has 20 bytes of data but FLOAT[2,3] needs 24")]
    [InlineData(new long[] { 1L << 32, 1L << 32 }, 4, "overflows int64")]
    [InlineData(new long[] { -1 }, 4, "negative dimension")]
    public void Bad_tensor_data_is_refused_with_the_tensor_named(long[] dims, int bytes, string expected)
    {
        var e = Assert.Throws<InvalidModelException>(() => OnnxImporter.FromProto(ReluModel(RawTensor("weights", 1, dims, new byte[bytes]))));
        Assert.Contains(expected, e.Message);
        Assert.Contains("'weights'", e.Message);
    }

    [Fact]
    public void An_unknown_data_type_is_refused()
    {
        var e = Assert.Throws<InvalidModelException>(() => OnnxImporter.FromProto(ReluModel(RawTensor("w", 77, [1], [0]))));
        Assert.Contains("unknown data type 77", e.Message);
    }

    [Fact]
    public void A_node_reading_an_undefined_value_is_named()
    {
        ModelProto proto = ReluModel();
        proto.Graph.Node.Add(Node("Add", ["y", "ghost"], ["z"], "adder"));
        var e = Assert.Throws<InvalidModelException>(() => OnnxImporter.FromProto(proto));
        Assert.Equal("node 'adder' (Add): input 'ghost' is not defined by any node, graph input or initializer", e.Message);
    }

    [Fact]
    public void Two_producers_of_one_value_are_refused()
    {
        ModelProto proto = ReluModel();
        proto.Graph.Node.Add(Node("Neg", ["x"], ["y"], "second"));
        var e = Assert.Throws<InvalidModelException>(() => OnnxImporter.FromProto(proto));
        Assert.Contains("value 'y' is defined twice: also by node 'relu' (Relu)", e.Message);
        Assert.Contains("'second' (Neg)", e.Message);
    }

    [Fact]
    public void An_initializer_that_is_also_a_graph_input_stays_both()
    {
        ModelProto proto = ReluModel(RawTensor("x", 1, [2, 3], new byte[24]));
        Model model = OnnxImporter.FromProto(proto);
        Value x = model.Graph.FindValue("x")!;
        Assert.True(x.IsGraphInput && x.IsInitializer && !x.IsConstant);
        Assert.Equal(proto, OnnxExporter.ToProto(model));
    }

    [Fact]
    public void Int64_values_beyond_double_precision_are_read_exactly()
    {
        TensorData t = TensorData.FromInt64s([2], [long.MaxValue, (1L << 53) + 1]);
        Assert.Equal([long.MaxValue, (1L << 53) + 1], t.ToInt64s());
    }
}
