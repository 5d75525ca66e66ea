// Backward of Clip with min and max as optional inputs (opset 11 and later).
namespace Onnxc.Passes.Training.Autodiff.Rules;

/// <summary>
/// y = min(max(x, lo), hi): dx = g where lo &lt; x &lt; hi, else 0 (the subgradient 0 on the boundary);
/// dlo = Σ g where x &lt; lo and dhi = Σ g where x &gt; hi, each summed to the bound's scalar shape. An omitted
/// bound is ±∞ and clips nothing.
/// </summary>
public sealed class ClipRule : IGradientRule
{
    public IReadOnlyList<string> OpTypes { get; } = ["Clip"];

    public IReadOnlyList<Value?> Backward(GradientContext context, Node node, IReadOnlyList<Value?> outputGrads)
    {
        var result = new Value?[node.Inputs.Count];
        if (outputGrads[0] is not { } g)
        {
            return result;
        }

        if (context.Opset < 11)
        {
            throw new NotSupportedException("Clip before opset 11 keeps its bounds in attributes; upgrade the model first");
        }

        Value x = node.Inputs[0]!;
        Value? lo = node.Input(1), hi = node.Input(2);
        Value zero = context.Scalar(0, x);
        if (context.NeedsGradient(x))
        {
            Value dx = g;
            if (lo is not null)
            {
                dx = context.Op("Where", [context.Op("Greater", [x, lo]), dx, zero]);
            }

            if (hi is not null)
            {
                dx = context.Op("Where", [context.Op("Less", [x, hi]), dx, zero]);
            }

            result[0] = dx;
        }

        if (lo is not null && context.NeedsGradient(lo))
        {
            Value below = context.Op("Where", [context.Op("Less", [x, lo]), g, zero]);
            result[1] = GradientOps.ReshapeLike(context, GradientOps.ReduceSumAll(context, below), lo);
        }

        if (hi is not null && context.NeedsGradient(hi))
        {
            Value above = context.Op("Where", [context.Op("Greater", [x, hi]), g, zero]);
            result[2] = GradientOps.ReshapeLike(context, GradientOps.ReduceSumAll(context, above), hi);
        }

        return result;
    }
}
