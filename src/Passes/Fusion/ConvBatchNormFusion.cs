// fuse-conv-batchnorm: folds an inference BatchNormalization into the Conv that feeds it.
using Onnxc.Passes.Rewriting;

namespace Onnxc.Passes.Fusion;

/// <summary>
/// BN(Conv(x, W, b)) with per-channel s = gamma / sqrt(var + eps) is
/// Conv(x, W', b') where W'[m] = W[m] * s[m] and b'[m] = (b[m] - mean[m]) * s[m] + beta[m].
/// Computed in double and rounded once to the weight type. Guards: the Conv output is read only by the BN; W, b,
/// gamma, beta, mean and var are constant initializers; BN is in inference mode with only its Y output used.
/// </summary>
public sealed class ConvBatchNormFusion : RewriteRule<ConvBatchNormFusion.Bound>
{
    public override string Name => "fuse-conv-batchnorm";

    public override string RootOpType => "BatchNormalization";

    protected override MatchOutcome<Bound> Match(Node bn, RewriteContext context)
    {
        if (bn.Input(0)?.Producer is not { OpType: "Conv" } conv || !conv.IsDefaultDomain)
        {
            return Fail("the input is not produced by a Conv");
        }

        return new Bound(conv, bn);
    }

    protected override string? Check(Bound m, RewriteContext context)
    {
        Node bn = m.BatchNorm;
        Node conv = m.Conv;
        return Guards.SingleUse(conv.Output(0)!)
            ?? Guards.ConstantInitializer(conv.Input(1))
            ?? (conv.Input(2) is { } b ? Guards.ConstantInitializer(b) : null)
            ?? Guards.ConstantInitializer(bn.Input(1))
            ?? Guards.ConstantInitializer(bn.Input(2))
            ?? Guards.ConstantInitializer(bn.Input(3))
            ?? Guards.ConstantInitializer(bn.Input(4))
            ?? (bn.GetInt("training_mode", 0) != 0 ? "BatchNormalization is in training mode" : null)
            ?? (bn.Outputs.Skip(1).Any(o => o is not null && (o.Uses.Count > 0 || o.IsGraphOutput)) ? "running mean/var outputs are used" : null)
            ?? (bn.Attribute("spatial") is { I: 0 } ? "spatial=0 BatchNormalization" : null)
            ?? (WeightMath.IsFoldableFloat(conv.Input(1)!.Initializer!.ElementType) ? null : "weights are not FLOAT or DOUBLE")
            ?? ShapesAgree(conv.Input(1)!.Initializer!, bn);
    }

    private static string? ShapesAgree(TensorData w, Node bn)
    {
        long m = w.Dims.Length > 0 ? w.Dims[0] : -1;
        for (int i = 1; i <= 4; i++)
        {
            TensorData p = bn.Input(i)!.Initializer!;
            if (p.ElementCount != m || p.ElementType != w.ElementType)
            {
                return $"BN parameter {i} is {p}, the Conv has {m} output channels of {w.ElementType.OnnxName()}";
            }
        }

        return null;
    }

    protected override void Rewrite(Bound m, RewriteContext context)
    {
        Node conv = m.Conv;
        Node bn = m.BatchNorm;
        TensorData w = conv.Input(1)!.Initializer!;
        long channels = w.Dims[0];
        double eps = bn.GetFloat("epsilon", 1e-5f);
        double[] gamma = bn.Input(1)!.Initializer!.ToDoubles();
        double[] beta = bn.Input(2)!.Initializer!.ToDoubles();
        double[] mean = bn.Input(3)!.Initializer!.ToDoubles();
        double[] variance = bn.Input(4)!.Initializer!.ToDoubles();
        double[] bias = conv.Input(2)?.Initializer!.ToDoubles() ?? new double[channels];

        var scale = new double[channels];
        var newBias = new double[channels];
        for (int c = 0; c < channels; c++)
        {
            scale[c] = gamma[c] / Math.Sqrt(variance[c] + eps);
            newBias[c] = ((bias[c] - mean[c]) * scale[c]) + beta[c];
        }

        double[] weights = w.ToDoubles();
        long perChannel = w.ElementCount / channels;
        for (long i = 0; i < weights.Length; i++)
        {
            weights[i] *= scale[i / perChannel];
        }

        Value oldW = conv.Input(1)!;
        Value? oldB = conv.Input(2);
        context.Graph.SetInput(conv, 1, context.AddConstant(oldW.Name + "_bn", WeightMath.FromDoubles(w.ElementType, [.. w.Dims], weights)));
        context.Graph.SetInput(conv, 2, context.AddConstant((oldB?.Name ?? oldW.Name) + "_bn_bias", WeightMath.FromDoubles(w.ElementType, [channels], newBias)));
        context.Replace(bn.Output(0)!, conv.Output(0)!);
        context.RemoveIfDead(bn);
        context.RemoveIfUnused(oldW);
        context.RemoveIfUnused(oldB);
        foreach (Value? p in bn.Inputs)
        {
            context.RemoveIfUnused(p);
        }
    }

    public sealed record Bound(Node Conv, Node BatchNorm);
}
