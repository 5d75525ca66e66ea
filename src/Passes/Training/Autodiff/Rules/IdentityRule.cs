// Backward of Identity.
namespace Onnxc.Passes.Training.Autodiff.Rules;

/// <summary>y = x: dx = g.</summary>
public sealed class IdentityRule : IGradientRule
{
    public IReadOnlyList<string> OpTypes { get; } = ["Identity"];

    public IReadOnlyList<Value?> Backward(GradientContext context, Node node, IReadOnlyList<Value?> outputGrads) =>
        [context.NeedsGradient(node.Inputs[0]) ? outputGrads[0] : null];
}
