// fuse-conv-add: folds a per-channel constant addend into the Conv's bias.
using Onnxc.Passes.Rewriting;

namespace Onnxc.Passes.Fusion;

/// <summary>
/// Conv(x, W, b) + c, with c constant and equal along every axis but the channel axis, is Conv(x, W, b + c):
/// the bias is added per output channel. Guards: <see cref="ConvConstantFusion"/>'s.
/// </summary>
public sealed class ConvAddFusion : ConvConstantFusion
{
    public override string Name => "fuse-conv-add";

    public override string RootOpType => "Add";

    protected override void Rewrite(ProducerWithConstant m, RewriteContext context)
    {
        Node conv = m.Producer;
        TensorData w = conv.Input(1)!.Initializer!;
        double[] c = ChannelValues(m);
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
