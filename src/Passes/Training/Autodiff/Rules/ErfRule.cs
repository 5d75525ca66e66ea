// Backward of Erf.
namespace Onnxc.Passes.Training.Autodiff.Rules;

/// <summary>y = erf x = (2/√π)∫₀ˣ e^{−t²} dt: dx = g ⊙ (2/√π)·e^{−x²}.</summary>
public sealed class ErfRule : UnaryGradientRule
{
    public override IReadOnlyList<string> OpTypes { get; } = ["Erf"];

    protected override Value InputGradient(GradientContext context, Node node, Value x, Value y, Value g)
    {
        Value gauss = context.Op("Exp", [context.Op("Neg", [context.Op("Mul", [x, x])])]);
        return context.Op("Mul", [g, context.Op("Mul", [gauss, context.Scalar(2 / Math.Sqrt(Math.PI), x)])]);
    }
}
