// A dense tensor on the host for the constant evaluator: element type, dims and little-endian bytes.
using System.Runtime.InteropServices;

namespace Onnxc.GraphIR.Evaluation;

/// <summary>
/// The evaluator's working form of a tensor: raw bytes plus dims, so data-movement ops copy elements without
/// interpreting them (exact for every fixed-size type) and arithmetic views the bytes as the element type.
/// </summary>
internal sealed class HostTensor
{
    public HostTensor(ElementType type, long[] dims, byte[] bytes)
    {
        Type = type;
        Dims = dims;
        Bytes = bytes;
        Count = TensorData.CountElements(dims);
        ElementSize = ElementSizeOf(type);
        if (Count * ElementSize != bytes.Length)
        {
            throw new ArgumentException($"{type.OnnxName()}[{string.Join(",", dims)}] needs {Count * ElementSize} bytes, got {bytes.Length}");
        }
    }

    public ElementType Type { get; }

    public long[] Dims { get; }

    public byte[] Bytes { get; }

    public long Count { get; }

    public int ElementSize { get; }

    public int Rank => Dims.Length;

    public static int ElementSizeOf(ElementType type)
    {
        int bits = type.BitsPerElement();
        if (bits < 8 || type == ElementType.String || type is ElementType.Complex64 or ElementType.Complex128)
        {
            throw new NotSupportedException($"{type.OnnxName()} tensors are not evaluated at compile time");
        }

        return bits / 8;
    }

    public static HostTensor From(TensorData data) =>
        new(data.ElementType, [.. data.Dims], data.GetBytes().ToArray());

    public static HostTensor Of<T>(ElementType type, long[] dims, T[] values)
        where T : unmanaged => new(type, dims, MemoryMarshal.AsBytes(values.AsSpan()).ToArray());

    public Span<T> As<T>()
        where T : unmanaged => MemoryMarshal.Cast<byte, T>(Bytes.AsSpan());

    /// <summary>Integer elements (INT32/INT64, as shape inputs use) widened to long.</summary>
    public long[] ToInt64s() => Type switch
    {
        ElementType.Int64 => As<long>().ToArray(),
        ElementType.Int32 => [.. As<int>().ToArray().Select(v => (long)v)],
        _ => throw new NotSupportedException($"expected an INT64 or INT32 tensor, got {Type.OnnxName()}"),
    };

    public TensorData ToTensorData() => TensorData.FromBytes(Type, Dims, Bytes);

    public override string ToString() => $"{Type.OnnxName()}[{string.Join(",", Dims)}]";
}
