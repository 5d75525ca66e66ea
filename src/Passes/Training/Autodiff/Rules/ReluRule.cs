// Backward of Relu.
namespace Onnxc.Passes.Training.Autodiff.Rules;

/// <summary>y = max(x, 0): dx = g where x &gt; 0, else 0 (the subgradient 0 at x = 0).</summary>
public sealed class ReluRule : IGradientRule
{
    public IReadOnlyList<string> OpTypes { get; } = ["Relu"];

    public IReadOnlyList<Value?> Backward(GradientContext context, Node node, IReadOnlyList<Value?> outputGrads)
    {
        Value x = node.Inputs[0]!;
        if (outputGrads[0] is not { } g || !context.NeedsGradient(x))
        {
            return [null];
        }

        Value positive = context.Op("Greater", [x, context.Scalar(0, x)]);
        return [context.Op("Where", [positive, g, context.Scalar(0, x)])];
    }
}
