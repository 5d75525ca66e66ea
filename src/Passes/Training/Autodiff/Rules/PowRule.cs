// Backward of Pow with a constant exponent, for the base.
namespace Onnxc.Passes.Training.Autodiff.Rules;

/// <summary>
/// y = x^p with p not trained: dx = reduce(g ⊙ p·x^{p−1} → x). An integer p is cast to x's type first. A p that
/// needs a gradient (p on the path from a trainable tensor) is refused: its gradient y·ln x is undefined for the
/// negative bases Pow accepts.
/// </summary>
public sealed class PowRule : IGradientRule
{
    public IReadOnlyList<string> OpTypes { get; } = ["Pow"];

    public IReadOnlyList<Value?> Backward(GradientContext context, Node node, IReadOnlyList<Value?> outputGrads)
    {
        Value x = node.Inputs[0]!, p = node.Inputs[1]!;
        if (context.NeedsGradient(p))
        {
            throw new NotSupportedException("the exponent depends on a trainable tensor; only a constant exponent is supported");
        }

        if (outputGrads[0] is not { } g || !context.NeedsGradient(x))
        {
            return [null, null];
        }

        Value pf = GradientOps.CastLike(context, p, x);
        Value power = context.Op("Pow", [x, context.Op("Sub", [pf, context.Scalar(1, x)])]);
        Value local = context.Op("Mul", [g, context.Op("Mul", [pf, power])]);
        return [BroadcastReduction.ReduceToOperand(context, local, x, node.Outputs[0]!), null];
    }
}
