// Backward of Pad in constant mode: the gradient is the output gradient with the padding taken off again.
namespace Onnxc.Passes.Training.Autodiff.Rules;

/// <summary>
/// y = Pad(x, p) in constant mode: y holds x at offset p_begin and the constant elsewhere, so dx is dy with the
/// padding removed — Pad(dy, −p) with the same axes: a positive pad becomes a crop, and a negative pad (which
/// cropped x) becomes zeros where x was cut, which is exactly its gradient. Works on runtime pads. The constant
/// value gets no gradient; reflect, edge and wrap modes are refused.
/// </summary>
public sealed class PadRule : IGradientRule
{
    public IReadOnlyList<string> OpTypes { get; } = ["Pad"];

    public IReadOnlyList<Value?> Backward(GradientContext context, Node node, IReadOnlyList<Value?> outputGrads)
    {
        var result = new Value?[node.Inputs.Count];
        Value x = node.Inputs[0]!;
        if (outputGrads[0] is not { } g || !context.NeedsGradient(x))
        {
            return result;
        }

        string mode = node.GetString("mode", "constant");
        if (mode != "constant")
        {
            throw new NotSupportedException($"Pad in {mode} mode");
        }

        if (context.Opset < 11 || node.Input(1) is not { } pads)
        {
            throw new NotSupportedException("Pad with its pads as an attribute (before opset 11)");
        }

        Value negated = context.Op("Neg", [pads]);
        Value?[] inputs = node.Input(3) is { } axes ? [g, negated, null, axes] : [g, negated];
        result[0] = context.Op("Pad", inputs, NodeAttribute.Of("mode", "constant"));
        return result;
    }
}
