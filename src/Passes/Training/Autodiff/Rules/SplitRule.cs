// Backward of Split.
namespace Onnxc.Passes.Training.Autodiff.Rules;

/// <summary>
/// y₀ ‖ y₁ ‖ … = x along the axis: dx = g₀ ‖ g₁ ‖ … along it, with zeros of y_i's shape for an output no
/// gradient reaches. The split sizes (input or attribute) need no gradient.
/// </summary>
public sealed class SplitRule : IGradientRule
{
    public IReadOnlyList<string> OpTypes { get; } = ["Split"];

    public IReadOnlyList<Value?> Backward(GradientContext context, Node node, IReadOnlyList<Value?> outputGrads)
    {
        var result = new Value?[node.Inputs.Count];
        Value x = node.Inputs[0]!;
        if (!context.NeedsGradient(x) || outputGrads.All(g => g is null))
        {
            return result;
        }

        var parts = new Value?[node.Outputs.Count];
        for (int i = 0; i < parts.Length; i++)
        {
            Value y = node.Outputs[i] ?? throw new NotSupportedException($"output {i} of the split is omitted, so its size is unknown");
            parts[i] = outputGrads[i] ?? GradientOps.ZerosLike(context, y);
        }

        result[0] = context.Op("Concat", parts, NodeAttribute.Of("axis", node.GetInt("axis", 0)));
        return result;
    }
}
