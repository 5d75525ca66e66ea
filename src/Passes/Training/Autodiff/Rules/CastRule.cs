// Backward of Cast between float types.
namespace Onnxc.Passes.Training.Autodiff.Rules;

/// <summary>
/// y = x in another float type: dx = Cast(g, type of x). A cast from an integer or to an integer carries no
/// gradient (the driver never marks integer values as needing one).
/// </summary>
public sealed class CastRule : IGradientRule
{
    public IReadOnlyList<string> OpTypes { get; } = ["Cast"];

    public IReadOnlyList<Value?> Backward(GradientContext context, Node node, IReadOnlyList<Value?> outputGrads)
    {
        Value x = node.Inputs[0]!;
        if (outputGrads[0] is not { } g || !context.NeedsGradient(x) || !Differentiator.IsDifferentiable(node.Outputs[0]!))
        {
            return [null];
        }

        return [GradientOps.CastLike(context, g, x)];
    }
}
