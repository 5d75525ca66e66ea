// A sequence of values of one type.
namespace Onnxc.GraphIR;

public sealed record SequenceType(IrType? ElementType) : IrType
{
    public override string ToString() => $"seq<{ElementType?.ToString() ?? "?"}>";
}
