// fuse-matmul-add-to-gemm: MatMul of two matrices followed by a bias Add becomes one Gemm.
using Onnxc.Passes.Rewriting;

namespace Onnxc.Passes.Fusion;

/// <summary>
/// MatMul(A, B) + c = Gemm(A, B, c) (alpha = beta = 1) when A is [M,K] and B is [K,N] (Gemm is 2-D only) and
/// c broadcasts unidirectionally to [M,N] as Gemm requires of C: its shape is [], [N], [1,N], [M,N] or with 1s.
/// Guards: the MatMul output has one use; ranks are known to be 2; c's shape is known; FLOAT/DOUBLE.
/// </summary>
public sealed class MatMulAddFusion : RewriteRule<ProducerWithConstant>
{
    public override string Name => "fuse-matmul-add-to-gemm";

    public override string RootOpType => "Add";

    protected override MatchOutcome<ProducerWithConstant> Match(Node root, RewriteContext context) => ProducerWithConstant.Bind(root, "MatMul");

    protected override string? Check(ProducerWithConstant m, RewriteContext context)
    {
        Node matmul = m.Producer;
        Value a = matmul.Input(0)!;
        Value b = matmul.Input(1)!;
        return Guards.SingleUse(matmul.Output(0)!)
            ?? Guards.RankIs(a, 2)
            ?? Guards.RankIs(b, 2)
            ?? (WeightMath.IsFoldableFloat(a.ElementType) ? null : $"{a} is not FLOAT or DOUBLE")
            ?? (m.Constant.ElementType == a.ElementType ? null : $"{m.Constant} differs in element type from {a}")
            ?? BiasFits(m.Constant, a.Shape!, b.Shape!);
    }

    private static string? BiasFits(Value bias, TensorShape a, TensorShape b)
    {
        if (bias.Shape is not TensorShape c)
        {
            return $"the shape of {bias} is unknown";
        }

        if (c.Rank > 2)
        {
            return $"{bias} has rank {c.Rank}";
        }

        Dim[] outDims = [a[0], b[1]];
        for (int i = 0; i < c.Rank; i++)
        {
            Dim d = c[i];
            Dim o = outDims[i + (2 - c.Rank)];
            bool fits = d.Value == 1 || (d.IsKnown && d.Value == o.Value) || (d.Param is not null && d.Param == o.Param);
            if (!fits)
            {
                return $"{bias} of shape {c} does not broadcast to the output [{a[0]},{b[1]}] one way";
            }
        }

        return null;
    }

    protected override void Rewrite(ProducerWithConstant m, RewriteContext context)
    {
        Node matmul = m.Producer;
        Node gemm = context.Graph.AddNode("Gemm", [matmul.Input(0), matmul.Input(1), m.Constant], 1, before: m.Root);
        context.Graph.SetNodeInfo(gemm, name: matmul.Name.Length > 0 ? matmul.Name + "_gemm" : gemm.Name);
        Graph.SetType(gemm.Output(0)!, m.Root.Output(0)!.Type);
        context.Replace(m.Root.Output(0)!, gemm.Output(0)!);
        context.RemoveIfDead(m.Root, matmul);
    }
}
