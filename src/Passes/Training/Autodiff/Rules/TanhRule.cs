// Backward of Tanh.
namespace Onnxc.Passes.Training.Autodiff.Rules;

/// <summary>y = tanh x: dx = g ⊙ (1 − y²).</summary>
public sealed class TanhRule : UnaryGradientRule
{
    public override IReadOnlyList<string> OpTypes { get; } = ["Tanh"];

    protected override Value InputGradient(GradientContext context, Node node, Value x, Value y, Value g) =>
        context.Op("Mul", [g, context.Op("Sub", [context.Scalar(1, x), context.Op("Mul", [y, y])])]);
}
