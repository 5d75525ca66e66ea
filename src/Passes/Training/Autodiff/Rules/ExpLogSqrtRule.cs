// Backward of Exp, Log and Sqrt.
namespace Onnxc.Passes.Training.Autodiff.Rules;

/// <summary>y = eˣ: dx = g ⊙ y. y = ln x: dx = g / x. y = √x: dx = g / (2y) = (½g) / y.</summary>
public sealed class ExpLogSqrtRule : UnaryGradientRule
{
    public override IReadOnlyList<string> OpTypes { get; } = ["Exp", "Log", "Sqrt"];

    protected override Value InputGradient(GradientContext context, Node node, Value x, Value y, Value g) => node.OpType switch
    {
        "Exp" => context.Op("Mul", [g, y]),
        "Log" => context.Op("Div", [g, x]),
        _ => context.Op("Div", [context.Op("Mul", [g, context.Scalar(0.5, x)]), y]),
    };
}
