// An immutable constant tensor: element type, dims and payload (ONNX TensorProto).
using System.Collections.Immutable;
using System.Runtime.InteropServices;

namespace Onnxc.GraphIR;

/// <summary>
/// A constant tensor. Immutable: passes that change a weight build a new one. The payload is exactly what the
/// model stored (bit-exact for FLOAT16, BFLOAT16, the FLOAT8 kinds and packed INT4/UINT4), as ONNX raw bytes.
/// </summary>
public sealed class TensorData
{
    public TensorData(ElementType elementType, ImmutableArray<long> dims, TensorStorage storage)
    {
        ElementType = elementType;
        Dims = dims.IsDefault ? [] : dims;
        Storage = storage;
        ElementCount = CountElements(Dims.AsSpan());
        if (storage is StringTensorStorage strings)
        {
            if (elementType != ElementType.String || strings.Strings.Length != ElementCount)
            {
                throw new ArgumentException($"{ElementCount} elements expected, {strings.Strings.Length} strings given");
            }
        }
        else if (elementType == ElementType.String)
        {
            throw new ArgumentException("a STRING tensor needs string storage");
        }
        else if (storage.ByteLength != elementType.ByteCount(ElementCount))
        {
            throw new ArgumentException(
                $"{elementType.OnnxName()}{FormatDims(Dims.AsSpan())} needs {elementType.ByteCount(ElementCount)} bytes, the data has {storage.ByteLength}");
        }
    }

    public ElementType ElementType { get; }

    public ImmutableArray<long> Dims { get; }

    public TensorStorage Storage { get; }

    public long ElementCount { get; }

    /// <summary>The name inside a TensorProto; for initializers the value's name is what counts.</summary>
    public string? Name { get; init; }

    public string? DocString { get; init; }

    public ImmutableArray<KeyValuePair<string, string>> Metadata { get; init; } = [];

    /// <summary>ONNX's chunked-tensor segment (begin, end), kept as it came.</summary>
    public (long Begin, long End)? Segment { get; init; }

    /// <summary>Serialized fields this version of the schema does not know, kept so they round-trip.</summary>
    public ReadOnlyMemory<byte> UnknownFields { get; init; }

    public TensorShape Shape => new(Dims.AsSpan().ToArray());

    public bool IsExternal => Storage is ExternalTensorStorage;

    /// <summary>The little-endian payload bytes, reading external data into memory when needed.</summary>
    public ReadOnlyMemory<byte> GetBytes() => Storage switch
    {
        MemoryTensorStorage m => m.Bytes,
        ExternalTensorStorage e => e.ReadAll(),
        _ => throw new InvalidOperationException("a STRING tensor has no raw bytes"),
    };

    /// <summary>The elements reinterpreted as <typeparamref name="T"/> (which must match the element width).</summary>
    public ReadOnlySpan<T> AsSpan<T>()
        where T : unmanaged
    {
        int bits = ElementType.BitsPerElement();
        if (bits != Marshal.SizeOf<T>() * 8)
        {
            throw new InvalidOperationException($"{ElementType.OnnxName()} elements are not {typeof(T).Name}");
        }

        return MemoryMarshal.Cast<byte, T>(GetBytes().Span);
    }

    /// <summary>The elements as doubles, for any real numeric type stored in whole bytes.</summary>
    public double[] ToDoubles()
    {
        ReadOnlySpan<byte> b = GetBytes().Span;
        var result = new double[ElementCount];
        for (int i = 0; i < result.Length; i++)
        {
            result[i] = ElementType switch
            {
                ElementType.Float => MemoryMarshal.Cast<byte, float>(b)[i],
                ElementType.Double => MemoryMarshal.Cast<byte, double>(b)[i],
                ElementType.Float16 => (double)MemoryMarshal.Cast<byte, Half>(b)[i],
                ElementType.BFloat16 => BitConverter.Int32BitsToSingle(MemoryMarshal.Cast<byte, ushort>(b)[i] << 16),
                ElementType.Int8 => (sbyte)b[i],
                ElementType.UInt8 or ElementType.Bool => b[i],
                ElementType.Int16 => MemoryMarshal.Cast<byte, short>(b)[i],
                ElementType.UInt16 => MemoryMarshal.Cast<byte, ushort>(b)[i],
                ElementType.Int32 => MemoryMarshal.Cast<byte, int>(b)[i],
                ElementType.UInt32 => MemoryMarshal.Cast<byte, uint>(b)[i],
                ElementType.Int64 => MemoryMarshal.Cast<byte, long>(b)[i],
                ElementType.UInt64 => MemoryMarshal.Cast<byte, ulong>(b)[i],
                _ => throw new NotSupportedException($"{ElementType.OnnxName()} values cannot be read as numbers"),
            };
        }

        return result;
    }

    /// <summary>The elements as 64-bit integers (INT64/INT32/INT16/INT8/UINT8/UINT16/UINT32/BOOL).</summary>
    public long[] ToInt64s()
    {
        if (!ElementType.IsInteger() && ElementType != ElementType.Bool || ElementType.BitsPerElement() < 8 || ElementType == ElementType.UInt64)
        {
            throw new InvalidOperationException($"{ElementType.OnnxName()} values cannot be read as int64");
        }

        ReadOnlySpan<byte> b = GetBytes().Span;
        var result = new long[ElementCount];
        for (int i = 0; i < result.Length; i++)
        {
            // Read each width exactly: int64 values past 2^53 (PyTorch's INT64_MAX slice ends) must survive.
            result[i] = ElementType switch
            {
                ElementType.Int64 => MemoryMarshal.Cast<byte, long>(b)[i],
                ElementType.Int32 => MemoryMarshal.Cast<byte, int>(b)[i],
                ElementType.UInt32 => MemoryMarshal.Cast<byte, uint>(b)[i],
                ElementType.Int16 => MemoryMarshal.Cast<byte, short>(b)[i],
                ElementType.UInt16 => MemoryMarshal.Cast<byte, ushort>(b)[i],
                ElementType.Int8 => (sbyte)b[i],
                _ => b[i],
            };
        }

        return result;
    }

    public float[] ToFloats() => ElementType == ElementType.Float ? AsSpan<float>().ToArray() : [.. ToDoubles().Select(d => (float)d)];

    public static TensorData FromBytes(ElementType type, ReadOnlySpan<long> dims, ReadOnlyMemory<byte> bytes) =>
        new(type, [.. dims], new MemoryTensorStorage(bytes));

    public static TensorData FromFloats(ReadOnlySpan<long> dims, ReadOnlySpan<float> values) =>
        FromBytes(ElementType.Float, dims, MemoryMarshal.AsBytes(values).ToArray());

    public static TensorData FromInt64s(ReadOnlySpan<long> dims, ReadOnlySpan<long> values) =>
        FromBytes(ElementType.Int64, dims, MemoryMarshal.AsBytes(values).ToArray());

    public static TensorData FromInt32s(ReadOnlySpan<long> dims, ReadOnlySpan<int> values) =>
        FromBytes(ElementType.Int32, dims, MemoryMarshal.AsBytes(values).ToArray());

    public static TensorData FromSBytes(ReadOnlySpan<long> dims, ReadOnlySpan<sbyte> values) =>
        FromBytes(ElementType.Int8, dims, MemoryMarshal.AsBytes(values).ToArray());

    public static TensorData FromBytesU8(ReadOnlySpan<long> dims, ReadOnlySpan<byte> values) =>
        FromBytes(ElementType.UInt8, dims, values.ToArray());

    public static TensorData Scalar(float value) => FromFloats([], [value]);

    public static TensorData Scalar(long value) => FromInt64s([], [value]);

    /// <summary>Product of dims, checked: a product that overflows int64 is an invalid tensor.</summary>
    public static long CountElements(ReadOnlySpan<long> dims)
    {
        long n = 1;
        foreach (long d in dims)
        {
            if (d < 0)
            {
                throw new ArgumentException($"negative dimension {d} in {FormatDims(dims)}");
            }

            try
            {
                n = checked(n * d);
            }
            catch (OverflowException)
            {
                throw new ArgumentException($"the product of dims {FormatDims(dims)} overflows int64");
            }
        }

        return n;
    }

    /// <summary>Bitwise equality of type, dims and payload (used to merge duplicate initializers).</summary>
    public bool ContentEquals(TensorData other)
    {
        if (ElementType != other.ElementType || !Dims.SequenceEqual(other.Dims))
        {
            return false;
        }

        if (Storage is StringTensorStorage a && other.Storage is StringTensorStorage b)
        {
            return a.Strings.Zip(b.Strings).All(p => p.First.Span.SequenceEqual(p.Second.Span));
        }

        return GetBytes().Span.SequenceEqual(other.GetBytes().Span);
    }

    private static string FormatDims(ReadOnlySpan<long> dims) => "[" + string.Join(",", dims.ToArray()) + "]";

    public override string ToString() => ElementType.OnnxName() + FormatDims(Dims.AsSpan());
}
