// Named sets of element types that the operator table uses in its type constraints.
using System.Collections.Immutable;

namespace Onnxc.GraphIR.Schema;

public static class TypeGroups
{
    public static readonly ImmutableArray<ElementType> Float =
        [ElementType.Float16, ElementType.Float, ElementType.Double, ElementType.BFloat16];

    public static readonly ImmutableArray<ElementType> SignedInt =
        [ElementType.Int8, ElementType.Int16, ElementType.Int32, ElementType.Int64];

    public static readonly ImmutableArray<ElementType> UnsignedInt =
        [ElementType.UInt8, ElementType.UInt16, ElementType.UInt32, ElementType.UInt64];

    /// <summary>Types that Q/DQ operators quantize to, over all opsets (8-bit, 16-bit, 4-bit, 2-bit, INT32 bias, FLOAT8/FLOAT4).</summary>
    public static readonly ImmutableArray<ElementType> Quantized =
    [
        ElementType.Int8, ElementType.UInt8, ElementType.Int16, ElementType.UInt16, ElementType.Int32,
        ElementType.Int4, ElementType.UInt4, ElementType.Int2, ElementType.UInt2, ElementType.Float8E4M3FN,
        ElementType.Float8E4M3FNUZ, ElementType.Float8E5M2, ElementType.Float8E5M2FNUZ, ElementType.Float4E2M1,
        ElementType.Float8E8M0,
    ];

    /// <summary>The set a group name in the table stands for.</summary>
    public static ImmutableArray<ElementType> Get(string name) => name switch
    {
        "float" => Float,
        "float8" => [ElementType.Float8E4M3FN, ElementType.Float8E4M3FNUZ, ElementType.Float8E5M2, ElementType.Float8E5M2FNUZ],
        "sint" => SignedInt,
        "uint" => UnsignedInt,
        "int" => [.. SignedInt, .. UnsignedInt],
        "num" => [.. Float, .. SignedInt, .. UnsignedInt],
        "snum" => [.. Float, .. SignedInt],
        "q" => Quantized,
        "bool" => [ElementType.Bool],
        "string" => [ElementType.String],
        "complex" => [ElementType.Complex64, ElementType.Complex128],
        "int64" => [ElementType.Int64],
        "int32" => [ElementType.Int32],
        "index" => [ElementType.Int32, ElementType.Int64],
        "int8" => [ElementType.Int8],
        "uint8" => [ElementType.UInt8],
        "float32" => [ElementType.Float],
        "any" => [.. Enum.GetValues<ElementType>().Where(t => t != ElementType.Undefined)],
        _ => throw new ArgumentException($"unknown type group '{name}'"),
    };
}
