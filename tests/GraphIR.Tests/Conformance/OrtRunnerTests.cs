// Tests of the ORT helpers: TensorProto decoding from every field, and exact bytes through ORT for every type.
using Google.Protobuf;
using Onnxc.GraphIR.Onnx;
using Onnxc.TestSupport;

namespace Onnxc.GraphIR.Tests.Conformance;

public sealed class OrtRunnerTests
{
    public static TheoryData<ElementType> OrtTypes => new(
        ElementType.Float, ElementType.Double, ElementType.Float16, ElementType.BFloat16, ElementType.Int8,
        ElementType.Int16, ElementType.Int32, ElementType.Int64, ElementType.UInt8, ElementType.UInt16,
        ElementType.UInt32, ElementType.UInt64, ElementType.Bool, ElementType.String);

    /// <summary>
    /// An Identity model per element type: what goes in must come out byte for byte, NaN payloads, -0 and
    /// subnormals included, so the helper neither converts nor canonicalizes values on the way.
    /// </summary>
    [Theory]
    [MemberData(nameof(OrtTypes))]
    public void Identity_returns_the_exact_input_bytes(ElementType type)
    {
        using var temp = new TempDir("onnxc-ort-identity");
        string model = WriteIdentityModel(temp.File("identity.onnx"), type);
        OrtTensor input = type == ElementType.String
            ? OrtTensor.FromStrings([2, 3], [[], "a"u8.ToArray(), "\u00e9\u4e2d"u8.ToArray(), [0xff, 0xfe], "x y"u8.ToArray(), [0]])
            : OrtTensor.FromBytes(type, [2, 3], SpecialBytes(type, 6));

        using var runner = new OrtRunner(model);
        Assert.Null(runner.NonTensorReason);
        Assert.Equal([type], runner.InputElementTypes);
        OrtTensor output = Assert.Single(runner.Run([input]));

        Assert.Null(input.DescribeDifference(output));
        Assert.True(input.BitEquals(output));
    }

    [Fact]
    public void Typed_fields_decode_to_the_same_bytes_as_raw_data()
    {
        var f16 = new TensorProto { DataType = (int)ElementType.Float16, Dims = { 3 }, Int32Data = { 0x3C00, 0x7E01, 0x8000 } };
        Assert.Equal(new byte[] { 0x00, 0x3C, 0x01, 0x7E, 0x00, 0x80 }, OrtTensor.FromTensorProto(f16).Bytes);

        var u32 = new TensorProto { DataType = (int)ElementType.UInt32, Dims = { 2 }, Uint64Data = { 1, 0xFFFFFFFF } };
        Assert.Equal(new byte[] { 1, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF }, OrtTensor.FromTensorProto(u32).Bytes);

        var i8 = new TensorProto { DataType = (int)ElementType.Int8, Dims = { 2 }, Int32Data = { -1, 5 } };
        Assert.Equal(new byte[] { 0xFF, 5 }, OrtTensor.FromTensorProto(i8).Bytes);

        var nan = BitConverter.Int32BitsToSingle(0x7FC01234);
        var f32 = new TensorProto { DataType = (int)ElementType.Float, Dims = { 1 }, FloatData = { nan } };
        var raw = new TensorProto { DataType = (int)ElementType.Float, Dims = { 1 }, RawData = ByteString.CopyFrom(BitConverter.GetBytes(nan)) };
        Assert.True(OrtTensor.FromTensorProto(f32).BitEquals(OrtTensor.FromTensorProto(raw)));

        var strings = new TensorProto { DataType = (int)ElementType.String, Dims = { 2 }, StringData = { ByteString.CopyFromUtf8("a"), ByteString.Empty } };
        Assert.Equal(2, OrtTensor.FromTensorProto(strings).Strings.Length);
    }

    [Fact]
    public void A_payload_of_the_wrong_size_is_rejected_with_the_tensor_name()
    {
        var bad = new TensorProto { Name = "w", DataType = (int)ElementType.Int64, Dims = { 3 }, Int64Data = { 1, 2 } };
        InvalidDataException e = Assert.Throws<InvalidDataException>(() => OrtTensor.FromTensorProto(bad));
        Assert.Contains("'w'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void One_differing_bit_is_reported()
    {
        OrtTensor a = OrtTensor.FromFloats([2], [1f, float.NaN]);
        OrtTensor b = OrtTensor.FromFloats([2], [1f, BitConverter.Int32BitsToSingle(BitConverter.SingleToInt32Bits(float.NaN) ^ 1)]);
        Assert.False(a.BitEquals(b));
        Assert.Contains("1 of 8 bytes differ, the first at byte 4", a.DescribeDifference(b), StringComparison.Ordinal);
    }

    [Fact]
    public void A_sequence_input_is_reported_as_not_carried()
    {
        using var temp = new TempDir("onnxc-ort-sequence");
        var graph = new GraphProto { Name = "seq" };
        var elem = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)ElementType.Float } };
        graph.Input.Add(new ValueInfoProto { Name = "s", Type = new TypeProto { SequenceType = new TypeProto.Types.Sequence { ElemType = elem } } });
        graph.Output.Add(new ValueInfoProto { Name = "n", Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)ElementType.Int64 } } });
        graph.Node.Add(new NodeProto { OpType = "SequenceLength", Input = { "s" }, Output = { "n" } });
        string path = temp.File("seq.onnx");
        WriteModel(path, graph);

        using var runner = new OrtRunner(path);
        Assert.Equal("input 's' is a sequence", runner.NonTensorReason);
        Assert.Throws<OrtUnsupportedValueException>(() => runner.Run(new Dictionary<string, OrtTensor>()));
    }

    private static string WriteIdentityModel(string path, ElementType type)
    {
        var graph = new GraphProto { Name = "identity" };
        var tensorType = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type } };
        graph.Input.Add(new ValueInfoProto { Name = "x", Type = tensorType });
        graph.Output.Add(new ValueInfoProto { Name = "y", Type = tensorType });
        graph.Node.Add(new NodeProto { OpType = "Identity", Input = { "x" }, Output = { "y" } });
        WriteModel(path, graph);
        return path;
    }

    private static void WriteModel(string path, GraphProto graph)
    {
        var model = new ModelProto { IrVersion = 8, Graph = graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 17 });
        File.WriteAllBytes(path, model.ToByteArray());
    }

    /// <summary>Bytes with the awkward patterns of each width: all ones, sign bits, NaN payloads, zero.</summary>
    private static byte[] SpecialBytes(ElementType type, int count)
    {
        int width = (int)type.ByteCount(1);
        byte[] bytes = new byte[width * count];
        for (int i = 0; i < bytes.Length; i++)
        {
            bytes[i] = (byte)(0xA5 ^ (i * 37));
        }

        if (type == ElementType.Bool)
        {
            // ORT's bool is one byte that must be 0 or 1.
            return [.. bytes.Select(b => (byte)(b & 1))];
        }

        bytes.AsSpan(0, width).Fill(0xFF);               // all ones: a NaN with a full payload for floats, -1 for ints
        bytes.AsSpan(width, width).Clear();
        bytes[(2 * width) - 1] = 0x80;                    // -0 for floats, the minimum for ints
        return bytes;
    }
}
