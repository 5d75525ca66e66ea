// Facts about element types: storage width, numeric class, and ONNX spelling.
namespace Onnxc.GraphIR;

public static class ElementTypes
{
    /// <summary>Bits one element takes in <c>raw_data</c>; 0 for STRING (variable) and UNDEFINED.</summary>
    public static int BitsPerElement(this ElementType type) => type switch
    {
        ElementType.Float or ElementType.Int32 or ElementType.UInt32 => 32,
        ElementType.UInt8 or ElementType.Int8 or ElementType.Bool => 8,
        ElementType.UInt16 or ElementType.Int16 or ElementType.Float16 or ElementType.BFloat16 => 16,
        ElementType.Int64 or ElementType.UInt64 or ElementType.Double or ElementType.Complex64 => 64,
        ElementType.Complex128 => 128,
        ElementType.Float8E4M3FN or ElementType.Float8E4M3FNUZ or ElementType.Float8E5M2
            or ElementType.Float8E5M2FNUZ or ElementType.Float8E8M0 => 8,
        ElementType.UInt4 or ElementType.Int4 or ElementType.Float4E2M1 => 4,
        ElementType.UInt2 or ElementType.Int2 => 2,
        _ => 0,
    };

    /// <summary>Whether <paramref name="value"/> is one of the element types ONNX defines.</summary>
    public static bool IsDefined(int value) => value is > 0 and <= (int)ElementType.Int2;

    /// <summary>Bytes needed to store <paramref name="count"/> elements packed as ONNX packs them (sub-byte types round up).</summary>
    public static long ByteCount(this ElementType type, long count)
    {
        int bits = type.BitsPerElement();
        if (bits == 0)
        {
            throw new ArgumentException($"{type.OnnxName()} has no fixed element size", nameof(type));
        }

        return bits >= 8 ? checked(count * (bits / 8)) : checked((count * bits + 7) / 8);
    }

    public static bool IsFloatingPoint(this ElementType type) => type is ElementType.Float or ElementType.Double
        or ElementType.Float16 or ElementType.BFloat16 or ElementType.Float8E4M3FN or ElementType.Float8E4M3FNUZ
        or ElementType.Float8E5M2 or ElementType.Float8E5M2FNUZ or ElementType.Float4E2M1 or ElementType.Float8E8M0;

    public static bool IsInteger(this ElementType type) => type is ElementType.Int8 or ElementType.UInt8
        or ElementType.Int16 or ElementType.UInt16 or ElementType.Int32 or ElementType.UInt32 or ElementType.Int64
        or ElementType.UInt64 or ElementType.Int4 or ElementType.UInt4 or ElementType.Int2 or ElementType.UInt2;

    public static bool IsSignedInteger(this ElementType type) => type is ElementType.Int8 or ElementType.Int16
        or ElementType.Int32 or ElementType.Int64 or ElementType.Int4 or ElementType.Int2;

    /// <summary>The name ONNX uses in its spec and error messages, e.g. FLOAT16.</summary>
    public static string OnnxName(this ElementType type) => type switch
    {
        ElementType.Float8E4M3FN => "FLOAT8E4M3FN",
        ElementType.Float8E4M3FNUZ => "FLOAT8E4M3FNUZ",
        ElementType.Float8E5M2 => "FLOAT8E5M2",
        ElementType.Float8E5M2FNUZ => "FLOAT8E5M2FNUZ",
        ElementType.Float4E2M1 => "FLOAT4E2M1",
        ElementType.Float8E8M0 => "FLOAT8E8M0",
        _ when Enum.IsDefined(type) => type.ToString().ToUpperInvariant(),
        _ => $"TYPE{(int)type}",
    };
}
