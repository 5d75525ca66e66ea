// A map from a scalar key type to values of one type.
namespace Onnxc.GraphIR;

public sealed record MapType(ElementType KeyType, IrType? ValueType) : IrType
{
    public override string ToString() => $"map<{KeyType.OnnxName()},{ValueType?.ToString() ?? "?"}>";
}
