// A dense tensor type: element type plus an optional shape (null: rank unknown).
namespace Onnxc.GraphIR;

public sealed record TensorType(ElementType ElementType, TensorShape? Shape) : IrType
{
    public override string ToString() => ElementType.OnnxName() + (Shape?.ToString() ?? "[*]");
}
