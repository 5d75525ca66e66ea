// A tensor as ONNX Runtime sees it: element type, shape and exact payload bytes, so runs compare bit for bit.
using System.Buffers.Binary;
using System.Collections.Immutable;
using System.Runtime.InteropServices;
using Onnxc.GraphIR;
using Onnxc.GraphIR.Onnx;

namespace Onnxc.TestSupport;

/// <summary>
/// An input or output of an ONNX Runtime run. Fixed-size element types keep their payload as ONNX raw bytes
/// (little-endian, sub-byte types packed as ONNX packs them); STRING tensors keep each element's UTF-8 bytes.
/// Equality is byte equality, so two floats are equal only when their bits are (NaN payloads and -0 included).
/// </summary>
public sealed class OrtTensor
{
    private OrtTensor(ElementType elementType, ImmutableArray<long> shape, byte[] bytes, ImmutableArray<byte[]> strings)
    {
        ElementType = elementType;
        Shape = shape;
        Bytes = bytes;
        Strings = strings;
    }

    public ElementType ElementType { get; }

    public ImmutableArray<long> Shape { get; }

    /// <summary>The raw payload; empty for STRING tensors.</summary>
    public byte[] Bytes { get; }

    /// <summary>The UTF-8 bytes of each element of a STRING tensor; empty otherwise.</summary>
    public ImmutableArray<byte[]> Strings { get; }

    public long ElementCount => TensorData.CountElements(Shape.AsSpan());

    public static OrtTensor FromBytes(ElementType elementType, ReadOnlySpan<long> shape, byte[] bytes)
    {
        if (elementType == ElementType.String)
        {
            throw new ArgumentException("STRING tensors are made with FromStrings");
        }

        long expected = elementType.ByteCount(TensorData.CountElements(shape));
        if (bytes.LongLength != expected)
        {
            throw new ArgumentException($"{elementType.OnnxName()}{Format(shape)} needs {expected} bytes, {bytes.Length} given");
        }

        return new OrtTensor(elementType, [.. shape], bytes, []);
    }

    public static OrtTensor FromStrings(ReadOnlySpan<long> shape, IEnumerable<byte[]> utf8)
    {
        ImmutableArray<byte[]> strings = [.. utf8];
        if (strings.Length != TensorData.CountElements(shape))
        {
            throw new ArgumentException($"STRING{Format(shape)} needs {TensorData.CountElements(shape)} elements, {strings.Length} given");
        }

        return new OrtTensor(ElementType.String, [.. shape], [], strings);
    }

    public static OrtTensor FromFloats(ReadOnlySpan<long> shape, ReadOnlySpan<float> values) =>
        FromBytes(ElementType.Float, shape, MemoryMarshal.AsBytes(values).ToArray());

    public static OrtTensor FromHalves(ReadOnlySpan<long> shape, ReadOnlySpan<Half> values) =>
        FromBytes(ElementType.Float16, shape, MemoryMarshal.AsBytes(values).ToArray());

    public static OrtTensor FromInt64s(ReadOnlySpan<long> shape, ReadOnlySpan<long> values) =>
        FromBytes(ElementType.Int64, shape, MemoryMarshal.AsBytes(values).ToArray());

    /// <summary>Reads a serialized TensorProto file, as ONNX test data stores its <c>input_N.pb</c>/<c>output_N.pb</c>.</summary>
    public static OrtTensor FromFile(string path)
    {
        TensorProto proto;
        try
        {
            proto = TensorProto.Parser.ParseFrom(File.ReadAllBytes(path));
        }
        catch (Google.Protobuf.InvalidProtocolBufferException e)
        {
            throw new InvalidDataException($"{path} is not a TensorProto: {e.Message}", e);
        }

        return FromTensorProto(proto);
    }

    /// <summary>
    /// Decodes a TensorProto's payload from whichever field holds it: <c>raw_data</c>, or the typed field the
    /// ONNX spec assigns to its element type (16-bit floats and small integers travel in <c>int32_data</c>).
    /// </summary>
    public static OrtTensor FromTensorProto(TensorProto proto)
    {
        if (!ElementTypes.IsDefined(proto.DataType))
        {
            throw new InvalidDataException($"tensor '{proto.Name}' has undefined data_type {proto.DataType}");
        }

        if (proto.DataLocation == TensorProto.Types.DataLocation.External || proto.ExternalData.Count > 0)
        {
            throw new NotSupportedException($"tensor '{proto.Name}' keeps its data in an external file");
        }

        if (proto.Segment is not null)
        {
            throw new NotSupportedException($"tensor '{proto.Name}' is a segment of a chunked tensor");
        }

        var type = (ElementType)proto.DataType;
        long[] shape = [.. proto.Dims];
        long count = TensorData.CountElements(shape);
        if (type == ElementType.String)
        {
            return FromStrings(shape, proto.StringData.Select(s => s.ToByteArray()));
        }

        if (proto.HasRawData)
        {
            return FromBytes(type, shape, proto.RawData.ToByteArray());
        }

        return FromBytes(type, shape, TypedFieldBytes(proto, type, count));
    }

    /// <summary>The same tensor as an IR constant (for building test graphs).</summary>
    public TensorData ToTensorData() => ElementType == ElementType.String
        ? new TensorData(ElementType, Shape, new StringTensorStorage([.. Strings.Select(s => (ReadOnlyMemory<byte>)s)]))
        : TensorData.FromBytes(ElementType, Shape.AsSpan(), Bytes);

    public float[] ToFloats() => ElementType switch
    {
        ElementType.Float => MemoryMarshal.Cast<byte, float>(Bytes).ToArray(),
        ElementType.Float16 => [.. MemoryMarshal.Cast<byte, Half>(Bytes).ToArray().Select(h => (float)h)],
        _ => [.. ToTensorData().ToDoubles().Select(d => (float)d)],
    };

    /// <summary>Whether type, shape and every payload byte are the same.</summary>
    public bool BitEquals(OrtTensor other) =>
        ElementType == other.ElementType
        && Shape.SequenceEqual(other.Shape)
        && Bytes.AsSpan().SequenceEqual(other.Bytes)
        && Strings.Length == other.Strings.Length
        && Strings.Zip(other.Strings).All(p => p.First.AsSpan().SequenceEqual(p.Second));

    /// <summary>Null when <see cref="BitEquals"/>; otherwise a one-line account of the first difference.</summary>
    public string? DescribeDifference(OrtTensor other)
    {
        if (ElementType != other.ElementType || !Shape.SequenceEqual(other.Shape))
        {
            return $"{this} vs {other}";
        }

        if (ElementType == ElementType.String)
        {
            int at = Enumerable.Range(0, Strings.Length).FirstOrDefault(i => !Strings[i].AsSpan().SequenceEqual(other.Strings[i]), -1);
            return at < 0 ? null : $"string element {at} differs";
        }

        int firstByte = Bytes.AsSpan().CommonPrefixLength(other.Bytes);
        if (firstByte == Bytes.Length)
        {
            return null;
        }

        int differing = 0;
        for (int i = 0; i < Bytes.Length; i++)
        {
            differing += Bytes[i] != other.Bytes[i] ? 1 : 0;
        }

        return $"{this}: {differing} of {Bytes.Length} bytes differ, the first at byte {firstByte}";
    }

    public override string ToString() => ElementType.OnnxName() + Format(Shape.AsSpan());

    private static byte[] TypedFieldBytes(TensorProto proto, ElementType type, long count)
    {
        byte[] bytes = new byte[type.ByteCount(count)];
        Span<byte> span = bytes;
        switch (type)
        {
            case ElementType.Float:
                Check(proto.FloatData.Count, count, proto, "float_data");
                MemoryMarshal.AsBytes(proto.FloatData.ToArray().AsSpan()).CopyTo(span);
                break;
            case ElementType.Complex64:
                Check(proto.FloatData.Count, count * 2, proto, "float_data");
                MemoryMarshal.AsBytes(proto.FloatData.ToArray().AsSpan()).CopyTo(span);
                break;
            case ElementType.Double:
                Check(proto.DoubleData.Count, count, proto, "double_data");
                MemoryMarshal.AsBytes(proto.DoubleData.ToArray().AsSpan()).CopyTo(span);
                break;
            case ElementType.Complex128:
                Check(proto.DoubleData.Count, count * 2, proto, "double_data");
                MemoryMarshal.AsBytes(proto.DoubleData.ToArray().AsSpan()).CopyTo(span);
                break;
            case ElementType.Int64:
                Check(proto.Int64Data.Count, count, proto, "int64_data");
                MemoryMarshal.AsBytes(proto.Int64Data.ToArray().AsSpan()).CopyTo(span);
                break;
            case ElementType.UInt64:
                Check(proto.Uint64Data.Count, count, proto, "uint64_data");
                MemoryMarshal.AsBytes(proto.Uint64Data.ToArray().AsSpan()).CopyTo(span);
                break;
            case ElementType.UInt32:
                // The spec puts UINT32 in uint64_data, one element per entry.
                Check(proto.Uint64Data.Count, count, proto, "uint64_data");
                for (int i = 0; i < count; i++)
                {
                    BinaryPrimitives.WriteUInt32LittleEndian(span[(i * 4)..], (uint)proto.Uint64Data[i]);
                }

                break;
            case ElementType.Int32:
                Check(proto.Int32Data.Count, count, proto, "int32_data");
                MemoryMarshal.AsBytes(proto.Int32Data.ToArray().AsSpan()).CopyTo(span);
                break;
            default:
                PackInt32Data(proto, type, count, span);
                break;
        }

        return bytes;
    }

    /// <summary>
    /// Types narrower than 32 bits live in <c>int32_data</c>: one element per entry for 8- and 16-bit types (their
    /// low bits), and for 4- and 2-bit types one already-packed byte per entry.
    /// </summary>
    private static void PackInt32Data(TensorProto proto, ElementType type, long count, Span<byte> span)
    {
        int bits = type.BitsPerElement();
        if (bits == 0)
        {
            throw new NotSupportedException($"tensor '{proto.Name}': {type.OnnxName()} has no fixed-size payload");
        }

        if (bits < 8)
        {
            Check(proto.Int32Data.Count, span.Length, proto, "int32_data");
            for (int i = 0; i < span.Length; i++)
            {
                span[i] = (byte)proto.Int32Data[i];
            }

            return;
        }

        Check(proto.Int32Data.Count, count, proto, "int32_data");
        for (int i = 0; i < count; i++)
        {
            int v = proto.Int32Data[i];
            if (bits == 8)
            {
                span[i] = (byte)v;
            }
            else
            {
                BinaryPrimitives.WriteUInt16LittleEndian(span[(i * 2)..], (ushort)v);
            }
        }
    }

    private static void Check(int have, long want, TensorProto proto, string field)
    {
        if (have != want)
        {
            throw new InvalidDataException($"tensor '{proto.Name}' needs {want} entries in {field}, has {have}");
        }
    }

    private static string Format(ReadOnlySpan<long> shape) => "[" + string.Join(",", shape.ToArray()) + "]";
}
