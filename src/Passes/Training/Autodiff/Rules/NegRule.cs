// Backward of Neg.
namespace Onnxc.Passes.Training.Autodiff.Rules;

/// <summary>y = −x: dx = −g.</summary>
public sealed class NegRule : IGradientRule
{
    public IReadOnlyList<string> OpTypes { get; } = ["Neg"];

    public IReadOnlyList<Value?> Backward(GradientContext context, Node node, IReadOnlyList<Value?> outputGrads) =>
        [outputGrads[0] is { } g && context.NeedsGradient(node.Inputs[0]) ? context.Op("Neg", [g]) : null];
}
