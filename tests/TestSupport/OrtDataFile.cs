// Reads an ONNX test-data file that holds a TensorProto, SequenceProto or OptionalProto into an OrtData.
using Google.Protobuf;
using Onnxc.GraphIR.Onnx;

namespace Onnxc.TestSupport;

/// <summary>
/// The ONNX backend suite stores a sequence input or output as a serialized onnx.SequenceProto and an optional
/// one as an onnx.OptionalProto. Our ONNX schema leaves those messages out (no model needs them), so they are
/// decoded here field by field:
/// SequenceProto { 1 name, 2 elem_type, 3 repeated TensorProto tensor_values, 4 sparse, 5 sequences, 6 maps,
/// 7 optionals } and OptionalProto { 1 name, 2 elem_type, 3 TensorProto tensor_value, 4 sparse,
/// 5 SequenceProto sequence_value, 6 map, 7 optional }, with elem_type UNDEFINED=0, TENSOR=1, SPARSE_TENSOR=2,
/// SEQUENCE=3, MAP=4, OPTIONAL=5. The file does not say which message it holds, so the caller names it from
/// the model's declared type. Only what ORT's tensor-sequence and optional values can carry is accepted; the
/// rest throws <see cref="NotSupportedException"/>.
/// </summary>
public static class OrtDataFile
{
    private const int ElemUndefined = 0;
    private const int ElemTensor = 1;
    private const int ElemSequence = 3;

    /// <summary>Reads <paramref name="path"/> as the message that holds a value of <paramref name="kind"/>; returns its name too.</summary>
    public static (string Name, OrtData Value) Read(string path, OrtDataKind kind)
    {
        byte[] bytes = File.ReadAllBytes(path);
        try
        {
            return kind switch
            {
                OrtDataKind.Tensor => ReadTensor(bytes),
                OrtDataKind.Sequence => ReadSequence(bytes),
                _ => ReadOptional(bytes),
            };
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new InvalidDataException($"{path} is not a {kind} proto: {e.Message}", e);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{path}: {e.Message}", e);
        }
        catch (NotSupportedException e)
        {
            throw new NotSupportedException($"{path}: {e.Message}", e);
        }
    }

    private static (string, OrtData) ReadTensor(byte[] bytes)
    {
        TensorProto proto = TensorProto.Parser.ParseFrom(bytes);
        return (proto.Name, OrtData.Of(OrtTensor.FromTensorProto(proto)));
    }

    private static (string, OrtData) ReadSequence(byte[] bytes)
    {
        var input = new CodedInputStream(bytes);
        string name = "";
        int elemType = ElemUndefined;
        var elements = new List<OrtTensor>();
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case 1:
                    name = input.ReadString();
                    break;
                case 2:
                    elemType = input.ReadInt32();
                    break;
                case 3:
                    elements.Add(OrtTensor.FromTensorProto(TensorProto.Parser.ParseFrom(input.ReadBytes())));
                    break;
                case 4 or 5 or 6 or 7:
                    throw new NotSupportedException($"sequence '{name}' holds {Holds(WireFormat.GetTagFieldNumber(tag))}, not tensors");
                default:
                    input.SkipLastField();
                    break;
            }
        }

        if (elemType != ElemTensor)
        {
            throw new NotSupportedException($"sequence '{name}' has elem_type {elemType}; only sequences of tensors (1) are carried");
        }

        return (name, OrtData.SequenceOf(elements));
    }

    private static (string, OrtData) ReadOptional(byte[] bytes)
    {
        var input = new CodedInputStream(bytes);
        string name = "";
        int elemType = ElemUndefined;
        OrtData? contained = null;
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case 1:
                    name = input.ReadString();
                    break;
                case 2:
                    elemType = input.ReadInt32();
                    break;
                case 3:
                    contained = OrtData.Of(OrtTensor.FromTensorProto(TensorProto.Parser.ParseFrom(input.ReadBytes())));
                    break;
                case 5:
                    contained = ReadSequence(input.ReadBytes().ToByteArray()).Item2;
                    break;
                case 4 or 6 or 7:
                    throw new NotSupportedException($"optional '{name}' holds {Holds(WireFormat.GetTagFieldNumber(tag))}");
                default:
                    input.SkipLastField();
                    break;
            }
        }

        // An absent optional has no value field; its elem_type may still say what it would hold.
        OrtDataKind? declared = elemType switch
        {
            ElemTensor => OrtDataKind.Tensor,
            ElemSequence => OrtDataKind.Sequence,
            ElemUndefined => null,
            _ => throw new NotSupportedException($"optional '{name}' has elem_type {elemType}; only tensors (1) and sequences (3) are carried"),
        };
        if (contained is not null && contained.Kind != declared)
        {
            throw new InvalidDataException($"optional '{name}' has elem_type {elemType} but holds a {contained.Kind}");
        }

        return (name, OrtData.OptionalOf(contained));
    }

    private static string Holds(int field) => field switch
    {
        4 => "a sparse tensor",
        5 => "sequences",
        6 => "maps",
        _ => "optionals",
    };
}
