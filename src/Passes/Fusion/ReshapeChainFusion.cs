// merge-consecutive-reshapes: a Reshape to a fully given shape ignores how its input was shaped.
using Onnxc.Passes.Rewriting;

namespace Onnxc.Passes.Fusion;

/// <summary>
/// Reshape(S(x), s) = Reshape(x, s) when S only reshapes (Reshape, Flatten, Squeeze, Unsqueeze: same elements in
/// the same order) and s does not copy dims of S's output (no 0 entries unless allowzero = 1, where 0 is a
/// literal size). Guard: s is a constant initializer. The inner node stays when something else reads it.
/// </summary>
public sealed class ReshapeChainFusion : RewriteRule<ReshapeChainFusion.Bound>
{
    public override string Name => "merge-consecutive-reshapes";

    public override string RootOpType => "Reshape";

    protected override MatchOutcome<Bound> Match(Node outer, RewriteContext context) =>
        outer.Input(0)?.Producer is { OpType: "Reshape" or "Flatten" or "Squeeze" or "Unsqueeze", IsDefaultDomain: true } inner
            ? new Bound(inner, outer)
            : Fail("the input is not produced by a Reshape, Flatten, Squeeze or Unsqueeze");

    protected override string? Check(Bound m, RewriteContext context)
    {
        string? reason = Guards.ConstantInitializer(m.Outer.Input(1));
        if (reason is not null)
        {
            return reason;
        }

        bool allowZero = m.Outer.GetInt("allowzero", 0) != 0;
        return !allowZero && m.Outer.Input(1)!.Initializer!.ToInt64s().Contains(0) ? "the target copies a dim (0) of the inner result" : null;
    }

    protected override void Rewrite(Bound m, RewriteContext context)
    {
        context.Graph.SetInput(m.Outer, 0, m.Inner.Input(0));
        context.RemoveIfDead(m.Inner);
    }

    public sealed record Bound(Node Inner, Node Outer);
}
