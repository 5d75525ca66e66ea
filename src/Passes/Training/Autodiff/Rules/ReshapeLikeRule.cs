// Backward of the ops that only reinterpret a tensor's shape: Reshape, Flatten, Squeeze, Unsqueeze.
namespace Onnxc.Passes.Training.Autodiff.Rules;

/// <summary>
/// y = x with another shape, same elements in the same row-major order: dx = Reshape(g, Shape(x)). The shape,
/// axes inputs get no gradient.
/// </summary>
public sealed class ReshapeLikeRule : IGradientRule
{
    public IReadOnlyList<string> OpTypes { get; } = ["Reshape", "Flatten", "Squeeze", "Unsqueeze"];

    public IReadOnlyList<Value?> Backward(GradientContext context, Node node, IReadOnlyList<Value?> outputGrads)
    {
        var result = new Value?[node.Inputs.Count];
        if (outputGrads[0] is { } g && node.Inputs[0] is { } x && context.NeedsGradient(x))
        {
            result[0] = GradientOps.ReshapeLike(context, g, x);
        }

        return result;
    }
}
