// A TypeProto with no value set (legal in ONNX, e.g. in function bodies): kept so it round-trips.
namespace Onnxc.GraphIR;

public sealed record UnknownType : IrType
{
    public override string ToString() => "?";
}
