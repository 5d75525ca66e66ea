// fuse-gemm-mul: folds a per-column constant multiplier into a Gemm's B and C.
using Onnxc.GraphIR.Evaluation;
using Onnxc.Passes.Rewriting;

namespace Onnxc.Passes.Fusion;

/// <summary>
/// (alpha * A * B + beta * C) * c, with c constant per output column (a scalar, [N] or [1,N]), equals
/// alpha * A * B' + beta * C' where B' scales column n of B (row n when transB = 1) by c[n] and C' = C * c.
/// Guards: the Gemm output has one use; B, C (when present) and c are FLOAT/DOUBLE constant initializers.
/// </summary>
public sealed class GemmMulFusion : RewriteRule<ProducerWithConstant>
{
    public override string Name => "fuse-gemm-mul";

    public override string RootOpType => "Mul";

    protected override MatchOutcome<ProducerWithConstant> Match(Node root, RewriteContext context) => ProducerWithConstant.Bind(root, "Gemm");

    protected override string? Check(ProducerWithConstant m, RewriteContext context) =>
        Guards.SingleUse(m.Producer.Output(0)!)
        ?? Guards.ConstantInitializer(m.Constant)
        ?? Guards.ConstantInitializer(m.Producer.Input(1))
        ?? (m.Producer.Input(2) is { } c ? Guards.ConstantInitializer(c) : null)
        ?? GemmFusionChecks.PerColumn(m.Producer, m.Constant);

    protected override void Rewrite(ProducerWithConstant m, RewriteContext context)
    {
        Node gemm = m.Producer;
        TensorData b = gemm.Input(1)!.Initializer!;
        bool transB = gemm.GetInt("transB", 0) != 0;
        long n = GemmFusionChecks.Columns(gemm);
        double[] scale = GemmFusionChecks.ColumnVector(m.Constant.Initializer!, n);
        double[] values = b.ToDoubles();
        long cols = b.Dims[1];
        for (long i = 0; i < values.Length; i++)
        {
            long column = transB ? i / cols : i % cols;
            values[i] *= scale[column];
        }

        Value oldB = gemm.Input(1)!;
        Value? oldC = gemm.Input(2);
        context.Graph.SetInput(gemm, 1, context.AddConstant(oldB.Name + "_scaled", WeightMath.FromDoubles(b.ElementType, [.. b.Dims], values)));
        if (oldC is not null)
        {
            TensorData scaled = ConstantEvaluator.Elementwise("Mul", oldC.Initializer!, m.Constant.Initializer!);
            context.Graph.SetInput(gemm, 2, context.AddConstant(oldC.Name + "_scaled", scaled));
        }

        context.Replace(m.Root.Output(0)!, gemm.Output(0)!);
        context.RemoveIfDead(m.Root);
        context.RemoveIfUnused(oldB);
        context.RemoveIfUnused(oldC);
        context.RemoveIfUnused(m.Constant);
    }
}
