// fuse-transpose-into-gemm: a 2-D Transpose feeding Gemm's A or B becomes its transA/transB flag.
using Onnxc.Passes.Rewriting;

namespace Onnxc.Passes.Fusion;

/// <summary>
/// Gemm(Transpose(X), ...) = Gemm(X, ...) with transA flipped (likewise B with transB): Gemm's inputs are 2-D, and
/// the only 2-D permutation that moves anything is [1,0]. Guard: the Transpose output has one use.
/// </summary>
public sealed class TransposeGemmFusion : RewriteRule<TransposeGemmFusion.Bound>
{
    public override string Name => "fuse-transpose-into-gemm";

    public override string RootOpType => "Gemm";

    protected override MatchOutcome<Bound> Match(Node gemm, RewriteContext context)
    {
        for (int i = 0; i < 2; i++)
        {
            if (gemm.Input(i)?.Producer is { OpType: "Transpose", IsDefaultDomain: true } t)
            {
                return new Bound(gemm, t, i);
            }
        }

        return Fail("neither A nor B is produced by a Transpose");
    }

    protected override string? Check(Bound m, RewriteContext context) =>
        Guards.SingleUse(m.Transpose.Output(0)!)
        ?? (m.Transpose.GetInts("perm") is not { } perm || perm.SequenceEqual([1L, 0L]) ? null : "perm is not [1,0]");

    protected override void Rewrite(Bound m, RewriteContext context)
    {
        string flag = m.Input == 0 ? "transA" : "transB";
        context.Graph.SetAttribute(m.Gemm, NodeAttribute.Of(flag, 1 - m.Gemm.GetInt(flag, 0)));
        context.Graph.SetInput(m.Gemm, m.Input, m.Transpose.Input(0));
        context.RemoveIfDead(m.Transpose);
    }

    public sealed record Bound(Node Gemm, Node Transpose, int Input);
}
