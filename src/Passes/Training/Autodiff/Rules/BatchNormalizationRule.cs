// Backward of BatchNormalization in inference form: normalization by the fixed running statistics.
namespace Onnxc.Passes.Training.Autodiff.Rules;

/// <summary>
/// Y = γ·(X − μ)·r + β with r = 1/√(σ² + ε), over X [N,C,…] with μ, σ², γ, β of [C] broadcast along axis 1 —
/// the form training runs when the BatchNorm statistics are frozen (a training step with batch statistics is
/// rewritten by <see cref="Training.BatchNormTraining"/> before differentiation). With A the axes other than 1:
/// <list type="bullet">
/// <item>dX = dY·γ·r;</item>
/// <item>dγ = Σ_A dY·(X − μ)·r, dβ = Σ_A dY;</item>
/// <item>dμ = −Σ_A dY·γ·r, dσ² = −½·Σ_A dY·γ·(X − μ)·r³ (rarely trained, but exact).</item>
/// </list>
/// A node in training mode (training_mode = 1 or statistics outputs) is refused: the rewrite handles those.
/// </summary>
public sealed class BatchNormalizationRule : IGradientRule
{
    public IReadOnlyList<string> OpTypes { get; } = ["BatchNormalization"];

    public IReadOnlyList<Value?> Backward(GradientContext context, Node node, IReadOnlyList<Value?> outputGrads)
    {
        var result = new Value?[node.Inputs.Count];
        if (outputGrads[0] is not { } dy)
        {
            return result;
        }

        if (node.GetInt("training_mode", 0) != 0 || node.Outputs.Skip(1).Any(o => o is not null))
        {
            throw new NotSupportedException("BatchNormalization in training mode has no rule of its own; the training pass rewrites it to batch statistics");
        }

        Value x = node.Inputs[0]!, gamma = node.Inputs[1]!, mean = node.Inputs[3]!, var = node.Inputs[4]!;
        int rank = GradientOps.Rank(x);
        long[] channelAxes = [.. Enumerable.Range(1, rank - 2).Select(i => (long)i)];
        long[] reduced = [0, .. Enumerable.Range(2, rank - 2).Select(i => (long)i)];

        // Per-channel vectors [C] → [C, 1, …] so they broadcast against [N, C, …].
        Value PerChannel(Value v) => channelAxes.Length == 0 ? v : GradientOps.Unsqueeze(context, v, channelAxes);

        Value r = context.Op("Reciprocal", [context.Op("Sqrt", [context.Op("Add", [var, context.Scalar(node.GetFloat("epsilon", 1e-5f), x)])])]);
        Value gammaR = context.Op("Mul", [gamma, r]);
        if (context.NeedsGradient(x))
        {
            result[0] = context.Op("Mul", [dy, PerChannel(gammaR)]);
        }

        bool needCentred = context.NeedsGradient(gamma) || context.NeedsGradient(var);
        Value? centred = needCentred ? context.Op("Sub", [x, PerChannel(mean)]) : null;
        if (context.NeedsGradient(gamma))
        {
            Value xHat = context.Op("Mul", [centred!, PerChannel(r)]);
            result[1] = GradientOps.ReduceSum(context, context.Op("Mul", [dy, xHat]), reduced, keepDims: false);
        }

        if (context.NeedsGradient(node.Inputs[2]))
        {
            result[2] = GradientOps.ReduceSum(context, dy, reduced, keepDims: false);
        }

        if (context.NeedsGradient(mean))
        {
            Value sum = GradientOps.ReduceSum(context, dy, reduced, keepDims: false);
            result[3] = context.Op("Neg", [context.Op("Mul", [sum, gammaR])]);
        }

        if (context.NeedsGradient(var))
        {
            Value sum = GradientOps.ReduceSum(context, context.Op("Mul", [dy, centred!]), reduced, keepDims: false);
            Value r3 = context.Op("Mul", [context.Op("Mul", [r, r]), r]);
            result[4] = context.Op("Mul", [context.Op("Mul", [sum, context.Op("Mul", [gamma, r3])]), context.Scalar(-0.5, x)]);
        }

        return result;
    }
}
