// eliminate-cast-to-same-type: Cast(x, to = type of x) = x.
using Onnxc.Passes.Rewriting;

namespace Onnxc.Passes.Cleanup.NoOps;

public sealed class CastElimination : NoOpRule
{
    public override string Name => "eliminate-cast-to-same-type";

    public override string RootOpType => "Cast";

    protected override string? WhyNotNoOp(Node node, RewriteContext context)
    {
        ElementType from = node.Input(0)!.ElementType;
        var to = (ElementType)node.GetInt("to", 0);
        if (from == ElementType.Undefined)
        {
            return "the input's element type is unknown";
        }

        return from == to ? null : $"casts {from.OnnxName()} to {to.OnnxName()}";
    }
}
