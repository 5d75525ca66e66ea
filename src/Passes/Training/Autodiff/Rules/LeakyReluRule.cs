// Backward of LeakyRelu.
namespace Onnxc.Passes.Training.Autodiff.Rules;

/// <summary>y = x if x &gt; 0 else α·x: dx = g where x &gt; 0, else α·g.</summary>
public sealed class LeakyReluRule : UnaryGradientRule
{
    public override IReadOnlyList<string> OpTypes { get; } = ["LeakyRelu"];

    protected override Value InputGradient(GradientContext context, Node node, Value x, Value y, Value g)
    {
        Value positive = context.Op("Greater", [x, context.Scalar(0, x)]);
        Value scaled = context.Op("Mul", [g, context.Scalar(node.GetFloat("alpha", 0.01f), x)]);
        return context.Op("Where", [positive, g, scaled]);
    }
}
