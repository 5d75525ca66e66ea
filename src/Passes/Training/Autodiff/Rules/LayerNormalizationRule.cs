// Backward of LayerNormalization (opset 17) over the trailing axes from its axis.
namespace Onnxc.Passes.Training.Autodiff.Rules;

/// <summary>
/// Over the normalized axes A = [axis, rank): μ = mean_A X, r = 1/√(mean_A (X − μ)² + ε), X̂ = (X − μ)·r and
/// Y = X̂·γ + β (γ and β broadcast against the normalized dims). With G = dY·γ:
/// <list type="bullet">
/// <item>dX = r·(G − mean_A G − X̂·mean_A(G·X̂)) — the mean and the variance carry the batch of elements along;</item>
/// <item>dγ = dY·X̂ and dβ = dY, each reduced back to its operand's shape (the leading axes summed).</item>
/// </list>
/// μ and r are recomputed from X rather than read from the optional Mean and InvStdDev outputs, which need not
/// exist; a gradient arriving through those outputs is refused.
/// </summary>
public sealed class LayerNormalizationRule : IGradientRule
{
    public IReadOnlyList<string> OpTypes { get; } = ["LayerNormalization"];

    public IReadOnlyList<Value?> Backward(GradientContext context, Node node, IReadOnlyList<Value?> outputGrads)
    {
        var result = new Value?[node.Inputs.Count];
        if (outputGrads.Skip(1).Any(g => g is not null))
        {
            throw new NotSupportedException("a gradient through LayerNormalization's Mean or InvStdDev output is not supported");
        }

        if (outputGrads[0] is not { } dy)
        {
            return result;
        }

        Value x = node.Inputs[0]!, gamma = node.Inputs[1]!, y = node.Outputs[0]!;
        int rank = GradientOps.Rank(x);
        int axis = GradientOps.Axis(node.GetInt("axis", -1), rank);
        long[] axes = [.. Enumerable.Range(axis, rank - axis).Select(i => (long)i)];

        Value mu = GradientOps.ReduceMean(context, x, axes, keepDims: true);
        Value centred = context.Op("Sub", [x, mu]);
        Value variance = GradientOps.ReduceMean(context, context.Op("Mul", [centred, centred]), axes, keepDims: true);
        Value r = context.Op("Reciprocal", [context.Op("Sqrt", [context.Op("Add", [variance, context.Scalar(node.GetFloat("epsilon", 1e-5f), x)])])]);
        Value xHat = context.Op("Mul", [centred, r]);

        if (context.NeedsGradient(x))
        {
            Value g = context.Op("Mul", [dy, gamma]);
            Value meanG = GradientOps.ReduceMean(context, g, axes, keepDims: true);
            Value meanGx = GradientOps.ReduceMean(context, context.Op("Mul", [g, xHat]), axes, keepDims: true);
            Value inner = context.Op("Sub", [context.Op("Sub", [g, meanG]), context.Op("Mul", [xHat, meanGx])]);
            result[0] = context.Op("Mul", [r, inner]);
        }

        if (context.NeedsGradient(gamma))
        {
            result[1] = BroadcastReduction.ReduceToOperand(context, context.Op("Mul", [dy, xHat]), gamma, y);
        }

        if (node.Input(2) is { } beta && context.NeedsGradient(beta))
        {
            result[2] = BroadcastReduction.ReduceToOperand(context, dy, beta, y);
        }

        return result;
    }
}
