// The match and guards fuse-conv-add and fuse-conv-mul share: a Conv followed by a per-channel constant operand.
using Onnxc.Passes.Rewriting;

namespace Onnxc.Passes.Fusion;

/// <summary>
/// Conv(x, W, b) ∘ c for a binary op ∘ rooted at <see cref="RewriteRule.RootOpType"/>, c constant and equal along
/// every axis but the channel axis. Guards: the Conv output has one use; c, W and b (when present) are constant
/// initializers; c is per output channel and of W's floating type. Subclasses fold c into W and b.
/// </summary>
public abstract class ConvConstantFusion : RewriteRule<ProducerWithConstant>
{
    protected sealed override MatchOutcome<ProducerWithConstant> Match(Node root, RewriteContext context) => ProducerWithConstant.Bind(root, "Conv");

    protected sealed override string? Check(ProducerWithConstant m, RewriteContext context) =>
        Guards.SingleUse(m.Producer.Output(0)!)
        ?? Guards.ConstantInitializer(m.Constant)
        ?? Guards.ConstantInitializer(m.Producer.Input(1))
        ?? (m.Producer.Input(2) is { } b ? Guards.ConstantInitializer(b) : null)
        ?? ConvFusionChecks.PerChannel(m.Producer, m.Constant);

    /// <summary>c of a match that passed the guards, one value per output channel.</summary>
    protected static double[] ChannelValues(ProducerWithConstant m)
    {
        TensorData w = m.Producer.Input(1)!.Initializer!;
        return WeightMath.PerChannel(m.Constant.Initializer!, w.Dims.Length, 1, w.Dims[0])!;
    }
}
