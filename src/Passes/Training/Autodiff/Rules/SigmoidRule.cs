// Backward of Sigmoid.
namespace Onnxc.Passes.Training.Autodiff.Rules;

/// <summary>y = 1 / (1 + e^{−x}): dx = g ⊙ y ⊙ (1 − y).</summary>
public sealed class SigmoidRule : UnaryGradientRule
{
    public override IReadOnlyList<string> OpTypes { get; } = ["Sigmoid"];

    protected override Value InputGradient(GradientContext context, Node node, Value x, Value y, Value g)
    {
        Value oneMinus = context.Op("Sub", [context.Scalar(1, x), y]);
        return context.Op("Mul", [g, context.Op("Mul", [y, oneMinus])]);
    }
}
