// An optional value of one type.
namespace Onnxc.GraphIR;

public sealed record OptionalType(IrType? ElementType) : IrType
{
    public override string ToString() => $"optional<{ElementType?.ToString() ?? "?"}>";
}
