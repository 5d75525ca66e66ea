// Backward of Mul with broadcasting.
namespace Onnxc.Passes.Training.Autodiff.Rules;

/// <summary>y = a·b: da = reduce(g·b → a), db = reduce(g·a → b).</summary>
public sealed class MulRule : IGradientRule
{
    public IReadOnlyList<string> OpTypes { get; } = ["Mul"];

    public IReadOnlyList<Value?> Backward(GradientContext context, Node node, IReadOnlyList<Value?> outputGrads)
    {
        if (outputGrads[0] is not { } g)
        {
            return [null, null];
        }

        Value a = node.Inputs[0]!, b = node.Inputs[1]!, y = node.Outputs[0]!;
        Value? da = context.NeedsGradient(a) ? BroadcastReduction.ReduceToOperand(context, context.Op("Mul", [g, b]), a, y) : null;
        Value? db = context.NeedsGradient(b) ? BroadcastReduction.ReduceToOperand(context, context.Op("Mul", [g, a]), b, y) : null;
        return [da, db];
    }
}
