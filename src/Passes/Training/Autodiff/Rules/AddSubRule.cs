// Backward of Add and Sub with broadcasting.
namespace Onnxc.Passes.Training.Autodiff.Rules;

/// <summary>
/// y = a + b: da = reduce(g → a), db = reduce(g → b). y = a − b: da = reduce(g → a), db = reduce(−g → b).
/// "reduce" undoes broadcasting (<see cref="BroadcastReduction"/>).
/// </summary>
public sealed class AddSubRule : IGradientRule
{
    public IReadOnlyList<string> OpTypes { get; } = ["Add", "Sub"];

    public IReadOnlyList<Value?> Backward(GradientContext context, Node node, IReadOnlyList<Value?> outputGrads)
    {
        if (outputGrads[0] is not { } g)
        {
            return [null, null];
        }

        Value a = node.Inputs[0]!, b = node.Inputs[1]!, y = node.Outputs[0]!;
        Value? da = context.NeedsGradient(a) ? BroadcastReduction.ReduceToOperand(context, g, a, y) : null;
        Value? db = null;
        if (context.NeedsGradient(b))
        {
            Value gb = node.OpType == "Sub" ? context.Op("Neg", [g]) : g;
            db = BroadcastReduction.ReduceToOperand(context, gb, b, y);
        }

        return [da, db];
    }
}
