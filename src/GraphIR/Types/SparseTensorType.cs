// A sparse tensor type: element type plus an optional shape.
namespace Onnxc.GraphIR;

public sealed record SparseTensorType(ElementType ElementType, TensorShape? Shape) : IrType
{
    public override string ToString() => "sparse " + ElementType.OnnxName() + (Shape?.ToString() ?? "[*]");
}
