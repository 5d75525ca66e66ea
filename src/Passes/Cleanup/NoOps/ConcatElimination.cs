// eliminate-single-input-concat: Concat of one tensor is that tensor.
using Onnxc.Passes.Rewriting;

namespace Onnxc.Passes.Cleanup.NoOps;

public sealed class ConcatElimination : NoOpRule
{
    public override string Name => "eliminate-single-input-concat";

    public override string RootOpType => "Concat";

    protected override string? WhyNotNoOp(Node node, RewriteContext context) =>
        node.Inputs.Count(i => i is not null) == 1 ? null : $"{node.Inputs.Count} inputs";
}
