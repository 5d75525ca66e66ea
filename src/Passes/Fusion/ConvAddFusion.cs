// fuse-conv-add: folds a per-channel constant addend into the Conv's bias.
using Onnxc.Passes.Rewriting;

namespace Onnxc.Passes.Fusion;

/// <summary>
/// Conv(x, W, b) + c, with c constant and equal along every axis but the channel axis, is Conv(x, W, b + c):
/// the bias is added per output channel. Guards: the Conv output has one use; b (when present) and c are constant
/// initializers; W is constant so its element type is known.
/// </summary>
public sealed class ConvAddFusion : RewriteRule<ProducerWithConstant>
{
    public override string Name => "fuse-conv-add";

    public override string RootOpType => "Add";

    protected override MatchOutcome<ProducerWithConstant> Match(Node root, RewriteContext context) => ProducerWithConstant.Bind(root, "Conv");

    protected override string? Check(ProducerWithConstant m, RewriteContext context) =>
        Guards.SingleUse(m.Producer.Output(0)!)
        ?? Guards.ConstantInitializer(m.Constant)
        ?? Guards.ConstantInitializer(m.Producer.Input(1))
        ?? (m.Producer.Input(2) is { } b ? Guards.ConstantInitializer(b) : null)
        ?? ConvFusionChecks.PerChannel(m.Producer, m.Constant);

    protected override void Rewrite(ProducerWithConstant m, RewriteContext context)
    {
        Node conv = m.Producer;
        TensorData w = conv.Input(1)!.Initializer!;
        double[] c = WeightMath.PerChannel(m.Constant.Initializer!, w.Dims.Length, 1, w.Dims[0])!;
        Value? oldB = conv.Input(2);
        double[] bias = oldB?.Initializer!.ToDoubles() ?? new double[w.Dims[0]];
        for (int i = 0; i < bias.Length; i++)
        {
            bias[i] += c[i];
        }

        context.Graph.SetInput(conv, 2, context.AddConstant((oldB?.Name ?? conv.Input(1)!.Name) + "_biased", WeightMath.FromDoubles(w.ElementType, [bias.Length], bias)));
        context.Replace(m.Root.Output(0)!, conv.Output(0)!);
        context.RemoveIfDead(m.Root);
        context.RemoveIfUnused(oldB);
        context.RemoveIfUnused(m.Constant);
    }
}
