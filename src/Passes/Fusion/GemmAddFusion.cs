// fuse-gemm-add: folds a constant addend that broadcasts per row into a Gemm's C.
using Onnxc.GraphIR.Evaluation;
using Onnxc.Passes.Rewriting;

namespace Onnxc.Passes.Fusion;

/// <summary>
/// alpha * A * B + beta * C + c, with c constant of shape [], [N] or [1,N] (so Gemm's unidirectional broadcast of C
/// accepts it), equals alpha * A * B + 1 * C' with C' = beta * C + c (C' = c when C is absent).
/// Guards: the Gemm output has one use; C (when present) and c are FLOAT/DOUBLE constant initializers.
/// </summary>
public sealed class GemmAddFusion : RewriteRule<ProducerWithConstant>
{
    public override string Name => "fuse-gemm-add";

    public override string RootOpType => "Add";

    protected override MatchOutcome<ProducerWithConstant> Match(Node root, RewriteContext context) => ProducerWithConstant.Bind(root, "Gemm");

    protected override string? Check(ProducerWithConstant m, RewriteContext context) =>
        Guards.SingleUse(m.Producer.Output(0)!)
        ?? Guards.ConstantInitializer(m.Constant)
        ?? (m.Producer.Input(2) is { } c ? Guards.ConstantInitializer(c) : null)
        ?? GemmFusionChecks.RowBroadcast(m.Producer, m.Constant);

    protected override void Rewrite(ProducerWithConstant m, RewriteContext context)
    {
        Node gemm = m.Producer;
        Value? oldC = gemm.Input(2);
        TensorData addend = m.Constant.Initializer!;
        TensorData merged = addend;
        if (oldC is not null)
        {
            TensorData c = oldC.Initializer!;
            double beta = gemm.GetFloat("beta", 1f);
            TensorData scaled = beta == 1 ? c : WeightMath.FromDoubles(c.ElementType, [.. c.Dims], [.. c.ToDoubles().Select(v => v * beta)]);
            merged = ConstantEvaluator.Elementwise("Add", scaled, addend);
        }

        context.Graph.SetInput(gemm, 2, context.AddConstant((oldC?.Name ?? m.Constant.Name) + "_merged", merged));
        context.Graph.SetAttribute(gemm, NodeAttribute.Of("beta", 1f));
        context.Replace(m.Root.Output(0)!, gemm.Output(0)!);
        context.RemoveIfDead(m.Root);
        context.RemoveIfUnused(oldC);
        context.RemoveIfUnused(m.Constant);
    }
}
