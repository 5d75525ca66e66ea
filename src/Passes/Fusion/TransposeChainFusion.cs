// merge-consecutive-transposes: Transpose(Transpose(x, p), q) = Transpose(x, r) with r[i] = p[q[i]].
using Onnxc.Passes.Rewriting;

namespace Onnxc.Passes.Fusion;

/// <summary>
/// Output axis i of the outer Transpose is axis q[i] of the inner output, which is axis p[q[i]] of x, so the pair
/// is one Transpose with perm r[i] = p[q[i]] (which eliminate-identity-transpose removes when r is the identity).
/// The inner Transpose stays when something else reads it. Guard: both perms are explicit.
/// </summary>
public sealed class TransposeChainFusion : RewriteRule<TransposeChainFusion.Bound>
{
    public override string Name => "merge-consecutive-transposes";

    public override string RootOpType => "Transpose";

    protected override MatchOutcome<Bound> Match(Node outer, RewriteContext context) =>
        outer.Input(0)?.Producer is { OpType: "Transpose", IsDefaultDomain: true } inner
            ? new Bound(inner, outer)
            : Fail("the input is not produced by a Transpose");

    protected override string? Check(Bound m, RewriteContext context)
    {
        if (m.Inner.GetInts("perm") is not { } p || m.Outer.GetInts("perm") is not { } q)
        {
            return "a perm is implicit";
        }

        return p.Length == q.Length ? null : "perms differ in length";
    }

    protected override void Rewrite(Bound m, RewriteContext context)
    {
        var p = m.Inner.GetInts("perm")!.Value;
        var q = m.Outer.GetInts("perm")!.Value;
        long[] r = [.. q.Select(axis => p[(int)axis])];
        context.Graph.SetAttribute(m.Outer, NodeAttribute.Of("perm", r));
        context.Graph.SetInput(m.Outer, 0, m.Inner.Input(0));
        context.RemoveIfDead(m.Inner);
    }

    public sealed record Bound(Node Inner, Node Outer);
}
