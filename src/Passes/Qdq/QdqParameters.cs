// Reads the scale, zero point and axis of a QuantizeLinear/DequantizeLinear node and compares them.
namespace Onnxc.Passes.Qdq;

internal static class QdqParameters
{
    /// <summary>Whether two Q/DQ nodes use bit-identical constant scales and zero points on the same axis.</summary>
    public static string? SameParameters(Node a, Node b)
    {
        if (ConstantValues.TryGet(a.Input(1)) is not { } sa || ConstantValues.TryGet(b.Input(1)) is not { } sb)
        {
            return "a scale is not constant";
        }

        if (!sa.ContentEquals(sb))
        {
            return "the scales differ";
        }

        Value? za = a.Input(2);
        Value? zb = b.Input(2);
        if ((za is null) != (zb is null))
        {
            return "only one side has a zero point";
        }

        if (za is not null && (ConstantValues.TryGet(za) is not { } ta || ConstantValues.TryGet(zb) is not { } tb || !ta.ContentEquals(tb)))
        {
            return "the zero points differ or are not constant";
        }

        bool perTensor = sa.ElementCount == 1;
        if (!perTensor && a.GetInt("axis", 1) != b.GetInt("axis", 1))
        {
            return "the axes differ";
        }

        return a.GetInt("block_size", 0) != 0 || b.GetInt("block_size", 0) != 0 ? "blocked quantization" : null;
    }

    /// <summary>Whether the node quantizes per tensor (one constant scale and at most one constant zero point).</summary>
    public static string? PerTensor(Node qdq)
    {
        if (ConstantValues.TryGet(qdq.Input(1)) is not { ElementCount: 1 })
        {
            return "the scale is not a constant scalar";
        }

        if (qdq.Input(2) is { } z && ConstantValues.TryGet(z) is not { ElementCount: 1 })
        {
            return "the zero point is not a constant scalar";
        }

        return null;
    }
}
