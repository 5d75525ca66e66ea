// Structural equality of node attributes (records compare arrays by reference; this compares contents).
namespace Onnxc.Passes.Cleanup;

internal static class AttributeComparer
{
    /// <summary>True when both attributes hold the same value; graphs and sparse tensors never compare equal.</summary>
    public static bool Equal(NodeAttribute a, NodeAttribute b)
    {
        if (a.Name != b.Name || a.Kind != b.Kind || a.RefAttrName != b.RefAttrName)
        {
            return false;
        }

        return a.Kind switch
        {
            AttributeKind.Float => BitConverter.SingleToInt32Bits(a.F) == BitConverter.SingleToInt32Bits(b.F),
            AttributeKind.Int => a.I == b.I,
            AttributeKind.String => a.S.Equals(b.S),
            AttributeKind.Ints => a.Ints.SequenceEqual(b.Ints),
            AttributeKind.Floats => a.Floats.Select(BitConverter.SingleToInt32Bits).SequenceEqual(b.Floats.Select(BitConverter.SingleToInt32Bits)),
            AttributeKind.Strings => a.Strings.SequenceEqual(b.Strings),
            AttributeKind.Tensor => a.T is not null && b.T is not null && a.T.ContentEquals(b.T),
            AttributeKind.TypeProto => Equals(a.Tp, b.Tp),
            _ => false,
        };
    }
}
