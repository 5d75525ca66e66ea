// Backward of Gelu (opset 20), exact and tanh-approximated.
namespace Onnxc.Passes.Training.Autodiff.Rules;

/// <summary>
/// approximate = "none": y = x·Φ(x), Φ(x) = ½(1 + erf(x/√2)), so dx = g ⊙ (Φ(x) + x·φ(x)) with
/// φ(x) = e^{−x²/2}/√(2π).
/// approximate = "tanh": y = ½x(1 + t), t = tanh(u), u = √(2/π)(x + 0.044715x³), so
/// dx = g ⊙ (½(1 + t) + ½x(1 − t²)·√(2/π)(1 + 3·0.044715x²)).
/// </summary>
public sealed class GeluRule : UnaryGradientRule
{
    private const double Cubic = 0.044715;

    public override IReadOnlyList<string> OpTypes { get; } = ["Gelu"];

    protected override Value InputGradient(GradientContext context, Node node, Value x, Value y, Value g)
    {
        Value half = context.Scalar(0.5, x), one = context.Scalar(1, x);
        Value x2 = context.Op("Mul", [x, x]);
        Value derivative;
        string approximate = node.GetString("approximate", "none");
        if (approximate == "tanh")
        {
            Value k = context.Scalar(Math.Sqrt(2 / Math.PI), x);
            Value inner = context.Op("Add", [one, context.Op("Mul", [x2, context.Scalar(Cubic, x)])]);
            Value t = context.Op("Tanh", [context.Op("Mul", [k, context.Op("Mul", [x, inner])])]);
            Value du = context.Op("Mul", [k, context.Op("Add", [one, context.Op("Mul", [x2, context.Scalar(3 * Cubic, x)])])]);
            Value sech2 = context.Op("Sub", [one, context.Op("Mul", [t, t])]);
            Value first = context.Op("Mul", [half, context.Op("Add", [one, t])]);
            Value second = context.Op("Mul", [context.Op("Mul", [half, x]), context.Op("Mul", [sech2, du])]);
            derivative = context.Op("Add", [first, second]);
        }
        else if (approximate == "none")
        {
            Value erf = context.Op("Erf", [context.Op("Mul", [x, context.Scalar(1 / Math.Sqrt(2), x)])]);
            Value cdf = context.Op("Mul", [half, context.Op("Add", [one, erf])]);
            Value pdf = context.Op("Mul", [context.Op("Exp", [context.Op("Mul", [x2, context.Scalar(-0.5, x)])]),
                context.Scalar(1 / Math.Sqrt(2 * Math.PI), x)]);
            derivative = context.Op("Add", [cdf, context.Op("Mul", [x, pdf])]);
        }
        else
        {
            throw new NotSupportedException($"approximate=\"{approximate}\" is not a Gelu mode");
        }

        return context.Op("Mul", [g, derivative]);
    }
}
