// eliminate-zero-pad: Pad with all pads zero returns its input, whatever the mode.
using Onnxc.Passes.Rewriting;

namespace Onnxc.Passes.Cleanup.NoOps;

public sealed class PadElimination : NoOpRule
{
    public override string Name => "eliminate-zero-pad";

    public override string RootOpType => "Pad";

    protected override string? WhyNotNoOp(Node node, RewriteContext context)
    {
        long[]? pads = node.GetInts("pads") is { } attr ? [.. attr] : ConstantInts(node.Input(1));
        if (pads is null)
        {
            return "pads are not constant";
        }

        return pads.All(p => p == 0) ? null : $"pads [{string.Join(",", pads)}] are not all zero";
    }
}
