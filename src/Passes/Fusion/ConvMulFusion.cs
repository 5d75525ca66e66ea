// fuse-conv-mul: folds a per-channel constant multiplier into the Conv before it.
using Onnxc.Passes.Rewriting;

namespace Onnxc.Passes.Fusion;

/// <summary>
/// Conv(x, W, b) * c, with c constant and equal along every axis but the channel axis (a scalar, [M,1,1],
/// [1,M,1,1], ...), is Conv(x, W', b') where W'[m] = W[m] * c[m] and b'[m] = b[m] * c[m], because convolution is
/// linear in W per output channel. Guards: <see cref="ConvConstantFusion"/>'s.
/// </summary>
public sealed class ConvMulFusion : ConvConstantFusion
{
    public override string Name => "fuse-conv-mul";

    public override string RootOpType => "Mul";

    protected override void Rewrite(ProducerWithConstant m, RewriteContext context)
    {
        Node conv = m.Producer;
        TensorData w = conv.Input(1)!.Initializer!;
        double[] c = ChannelValues(m);
        double[] weights = w.ToDoubles();
        long perChannel = w.ElementCount / w.Dims[0];
        for (long i = 0; i < weights.Length; i++)
        {
            weights[i] *= c[i / perChannel];
        }

        Value oldW = conv.Input(1)!;
        Value? oldB = conv.Input(2);
        context.Graph.SetInput(conv, 1, context.AddConstant(oldW.Name + "_scaled", WeightMath.FromDoubles(w.ElementType, [.. w.Dims], weights)));
        if (oldB is not null)
        {
            double[] bias = oldB.Initializer!.ToDoubles();
            for (int i = 0; i < bias.Length; i++)
            {
                bias[i] *= c[i];
            }

            context.Graph.SetInput(conv, 2, context.AddConstant(oldB.Name + "_scaled", WeightMath.FromDoubles(w.ElementType, [bias.Length], bias)));
        }

        context.Replace(m.Root.Output(0)!, conv.Output(0)!);
        context.RemoveIfDead(m.Root);
        context.RemoveIfUnused(oldW);
        context.RemoveIfUnused(oldB);
        context.RemoveIfUnused(m.Constant);
    }
}
