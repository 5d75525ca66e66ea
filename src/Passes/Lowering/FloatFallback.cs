// One ONNX node that the lowering ran as a float kernel, and why it had no INT8 kernel.
namespace Onnxc.Passes.Lowering;

public sealed record FloatFallback(string Node, string OpType, string Reason)
{
    public override string ToString() => $"{Node} ({OpType}): {Reason}";
}
