// Tests of the sequence/optional ORT helpers: proto decoding, bit comparison, and agreement with the suite's outputs.
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Onnxc.GraphIR.Onnx;
using Onnxc.TestSupport;

namespace Onnxc.GraphIR.Tests.Conformance;

public sealed class OrtDataTests
{
    /// <summary>
    /// Backend cases whose ops only move values (identity, if, loop, optional and sequence plumbing), so ORT must
    /// reproduce the suite's stored outputs exactly. Passing means the SequenceProto/OptionalProto inputs were
    /// decoded and fed right (absent optionals included) and the outputs were read back right.
    /// </summary>
    private static readonly string[] s_exactCases =
    [
        "test_identity_sequence", "test_identity_opt", "test_if_seq", "test_if_opt", "test_loop16_seq_none",
        "test_optional_get_element", "test_optional_get_element_sequence", "test_optional_has_element",
        "test_optional_has_element_empty", "test_sequence_insert_at_back", "test_sequence_insert_at_front",
        "test_sequence_map_identity_1_sequence", "test_sequence_map_identity_2_sequences",
    ];

    [OnnxBackendFact]
    public void Sequence_and_optional_cases_reproduce_the_suite_outputs()
    {
        var failures = new List<string>();
        foreach (string name in s_exactCases)
        {
            string model = Path.Combine(OnnxBackendSuite.Root, "node", name, "model.onnx");
            using var runner = new OrtRunner(model);
            Assert.Null(runner.UnsupportedReason);
            foreach (OrtTestDataSet set in OrtTestDataSet.ForModel(model))
            {
                IReadOnlyList<OrtData> actual = runner.RunValues(set.ValuesFor(runner));
                for (int i = 0; i < set.OutputFiles.Count; i++)
                {
                    OrtData expected = OrtDataFile.Read(set.OutputFiles[i], runner.OutputKinds[i]).Value;
                    if (expected.DescribeDifference(actual[i]) is { } d)
                    {
                        failures.Add($"{name}/{Path.GetFileName(set.Folder)} output {i}: {d}");
                    }
                }
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [OnnxBackendFact]
    public void Absent_and_present_optionals_are_read_as_such()
    {
        string node = Path.Combine(OnnxBackendSuite.Root, "node");
        OrtData empty = OrtDataFile.Read(Path.Combine(node, "test_optional_has_element_empty", "test_data_set_0", "input_0.pb"), OrtDataKind.Optional).Value;
        Assert.Equal(OrtDataKind.Optional, empty.Kind);
        Assert.Null(empty.Contained);

        OrtData seq = OrtDataFile.Read(Path.Combine(node, "test_identity_opt", "test_data_set_0", "input_0.pb"), OrtDataKind.Optional).Value;
        Assert.Equal(OrtDataKind.Sequence, seq.Contained!.Kind);
        Assert.NotEmpty(seq.Contained.Elements);
    }

    /// <summary>
    /// ORT's CreateValue refuses a sequence of no values, and the C# API has no other way to make one; this is why
    /// node/test_loop13_seq (whose input is an empty sequence) is counted as not runnable. If ORT ever accepts it,
    /// this test fails and that case becomes comparable.
    /// </summary>
    [Fact]
    public void Ort_refuses_an_empty_sequence_value()
    {
        var e = Assert.Throws<OnnxRuntimeException>(() => OrtRunner.ToOrtValueOrNone(OrtData.SequenceOf([]))?.Dispose());
        Assert.Contains("at least 1", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Differences_are_found_in_kind_length_elements_and_presence()
    {
        OrtTensor a = OrtTensor.FromFloats([2], [1f, 2f]);
        OrtTensor b = OrtTensor.FromFloats([2], [1f, -0f]);
        OrtTensor c = OrtTensor.FromFloats([2], [1f, 0f]);

        Assert.True(OrtData.SequenceOf([a, b]).BitEquals(OrtData.SequenceOf([a, b])));
        Assert.Contains("element 1", OrtData.SequenceOf([a, b]).DescribeDifference(OrtData.SequenceOf([a, c])));
        Assert.NotNull(OrtData.SequenceOf([a]).DescribeDifference(OrtData.SequenceOf([a, a])));
        Assert.NotNull(OrtData.Of(a).DescribeDifference(OrtData.SequenceOf([a])));

        Assert.True(OrtData.OptionalOf(null).BitEquals(OrtData.OptionalOf(null)));
        Assert.NotNull(OrtData.OptionalOf(null).DescribeDifference(OrtData.OptionalOf(OrtData.Of(a))));
        Assert.NotNull(OrtData.OptionalOf(OrtData.Of(a)).DescribeDifference(OrtData.OptionalOf(null)));
        Assert.NotNull(OrtData.OptionalOf(OrtData.Of(b)).DescribeDifference(OrtData.OptionalOf(OrtData.Of(c))));
        Assert.NotNull(OrtData.OptionalOf(OrtData.Of(a)).DescribeDifference(OrtData.OptionalOf(OrtData.SequenceOf([a]))));
    }

    [Fact]
    public void Hand_written_protos_decode_and_unsupported_contents_are_named()
    {
        using var temp = new TempDir("onnxc-ortdata");
        var tensor = new TensorProto { DataType = (int)ElementType.Float, Dims = { 2 }, FloatData = { 1f, 2f } };

        string seqFile = temp.File("seq.pb");
        File.WriteAllBytes(seqFile, Message(o =>
        {
            o.WriteTag(1, WireFormat.WireType.LengthDelimited);
            o.WriteString("s");
            o.WriteTag(2, WireFormat.WireType.Varint);
            o.WriteInt32(1);
            for (int i = 0; i < 2; i++)
            {
                o.WriteTag(3, WireFormat.WireType.LengthDelimited);
                o.WriteBytes(tensor.ToByteString());
            }
        }));
        (string name, OrtData seq) = OrtDataFile.Read(seqFile, OrtDataKind.Sequence);
        Assert.Equal("s", name);
        Assert.Equal(2, seq.Elements.Length);
        Assert.True(seq.Elements[1].BitEquals(OrtTensor.FromFloats([2], [1f, 2f])));

        string optFile = temp.File("opt.pb");
        File.WriteAllBytes(optFile, Message(o =>
        {
            o.WriteTag(2, WireFormat.WireType.Varint);
            o.WriteInt32(1);
            o.WriteTag(3, WireFormat.WireType.LengthDelimited);
            o.WriteBytes(tensor.ToByteString());
        }));
        Assert.True(OrtDataFile.Read(optFile, OrtDataKind.Optional).Value.Contained!.Tensor!.BitEquals(seq.Elements[0]));

        string mapsFile = temp.File("maps.pb");
        File.WriteAllBytes(mapsFile, Message(o =>
        {
            o.WriteTag(2, WireFormat.WireType.Varint);
            o.WriteInt32(4);
            o.WriteTag(6, WireFormat.WireType.LengthDelimited);
            o.WriteBytes(ByteString.Empty);
        }));
        var e = Assert.Throws<NotSupportedException>(() => OrtDataFile.Read(mapsFile, OrtDataKind.Sequence));
        Assert.Contains("maps", e.Message, StringComparison.Ordinal);
    }

    private static byte[] Message(Action<CodedOutputStream> write)
    {
        using var stream = new MemoryStream();
        using (var output = new CodedOutputStream(stream, leaveOpen: true))
        {
            write(output);
        }

        return stream.ToArray();
    }
}
