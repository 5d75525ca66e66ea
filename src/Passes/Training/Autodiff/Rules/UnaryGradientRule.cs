// The shared shape of the elementwise one-input rules: dx = g ⊙ f'(x, y).
namespace Onnxc.Passes.Training.Autodiff.Rules;

/// <summary>
/// A rule for y = f(x) elementwise: dx = g ⊙ f'(x), where each subclass emits the derivative from x and y
/// (whichever is cheaper). Only the first input carries a gradient.
/// </summary>
public abstract class UnaryGradientRule : IGradientRule
{
    public abstract IReadOnlyList<string> OpTypes { get; }

    public IReadOnlyList<Value?> Backward(GradientContext context, Node node, IReadOnlyList<Value?> outputGrads)
    {
        var result = new Value?[node.Inputs.Count];
        if (outputGrads[0] is { } g && node.Inputs[0] is { } x && context.NeedsGradient(x))
        {
            result[0] = InputGradient(context, node, x, node.Outputs[0]!, g);
        }

        return result;
    }

    /// <summary>Emits dx for output gradient <paramref name="g"/>.</summary>
    protected abstract Value InputGradient(GradientContext context, Node node, Value x, Value y, Value g);
}
