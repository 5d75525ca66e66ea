// One element of a shape vector computed in the graph: a known number, or dim Axis of value Of.
namespace Onnxc.Passes.Cleanup;

internal readonly record struct SymbolicDim(long? Const, Value? Of, int Axis)
{
    public static SymbolicDim Known(long value) => new(value, null, -1);

    public static SymbolicDim DimOf(Value value, int axis) => new(null, value, axis);
}
