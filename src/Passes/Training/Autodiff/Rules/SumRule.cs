// Backward of the n-ary Sum with broadcasting.
namespace Onnxc.Passes.Training.Autodiff.Rules;

/// <summary>y = Σ_i x_i (broadcast): dx_i = reduce(g → x_i).</summary>
public sealed class SumRule : IGradientRule
{
    public IReadOnlyList<string> OpTypes { get; } = ["Sum"];

    public IReadOnlyList<Value?> Backward(GradientContext context, Node node, IReadOnlyList<Value?> outputGrads)
    {
        var result = new Value?[node.Inputs.Count];
        if (outputGrads[0] is not { } g)
        {
            return result;
        }

        for (int i = 0; i < result.Length; i++)
        {
            if (node.Inputs[i] is { } x && context.NeedsGradient(x))
            {
                result[i] = BroadcastReduction.ReduceToOperand(context, g, x, node.Outputs[0]!);
            }
        }

        return result;
    }
}
