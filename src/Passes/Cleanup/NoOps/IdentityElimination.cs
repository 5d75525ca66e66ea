// eliminate-identity: Identity(x) = x.
using Onnxc.Passes.Rewriting;

namespace Onnxc.Passes.Cleanup.NoOps;

public sealed class IdentityElimination : NoOpRule
{
    public override string Name => "eliminate-identity";

    public override string RootOpType => "Identity";

    protected override string? WhyNotNoOp(Node node, RewriteContext context) =>
        node.Input(0)!.Type is SequenceType or OptionalType ? "sequence or optional identity is kept" : null;
}
