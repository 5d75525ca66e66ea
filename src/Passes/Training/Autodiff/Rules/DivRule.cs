// Backward of Div with broadcasting.
namespace Onnxc.Passes.Training.Autodiff.Rules;

/// <summary>y = a / b: da = reduce(g / b → a), db = reduce(−g·a/b² → b) = reduce(−g·y / b → b).</summary>
public sealed class DivRule : IGradientRule
{
    public IReadOnlyList<string> OpTypes { get; } = ["Div"];

    public IReadOnlyList<Value?> Backward(GradientContext context, Node node, IReadOnlyList<Value?> outputGrads)
    {
        if (outputGrads[0] is not { } g)
        {
            return [null, null];
        }

        Value a = node.Inputs[0]!, b = node.Inputs[1]!, y = node.Outputs[0]!;
        Value? da = context.NeedsGradient(a) ? BroadcastReduction.ReduceToOperand(context, context.Op("Div", [g, b]), a, y) : null;
        Value? db = null;
        if (context.NeedsGradient(b))
        {
            Value gy = context.Op("Div", [context.Op("Mul", [g, y]), b]);
            db = BroadcastReduction.ReduceToOperand(context, context.Op("Neg", [gy]), b, y);
        }

        return [da, db];
    }
}
