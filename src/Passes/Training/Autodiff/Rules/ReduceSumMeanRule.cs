// Backward of ReduceSum and ReduceMean, axes as attribute or input, keepdims 0/1, noop_with_empty_axes.
namespace Onnxc.Passes.Training.Autodiff.Rules;

/// <summary>
/// y = Σ_{axes} x (ReduceSum) or y = (1/n)·Σ_{axes} x with n = |x|/|y| (ReduceMean): every x element reached
/// one y element, so dx = Expand(ĝ, Shape(x)) for ReduceSum and dx = Expand(ĝ, Shape(x)) / n for ReduceMean,
/// where ĝ is g with the reduced axes reinserted as 1 when keepdims = 0 (a reduction over every axis gives a
/// scalar, which Expand broadcasts as is). Empty axes reduce everything unless noop_with_empty_axes = 1, when
/// y = x and dx = g. n is computed at run time from Size(x) and Size(y), so symbolic batch dims work.
/// </summary>
public sealed class ReduceSumMeanRule : IGradientRule
{
    public IReadOnlyList<string> OpTypes { get; } = ["ReduceSum", "ReduceMean"];

    public IReadOnlyList<Value?> Backward(GradientContext context, Node node, IReadOnlyList<Value?> outputGrads)
    {
        var result = new Value?[node.Inputs.Count];
        Value x = node.Inputs[0]!, y = node.Outputs[0]!;
        if (outputGrads[0] is not { } g || !context.NeedsGradient(x))
        {
            return result;
        }

        long axesAsInputFrom = node.OpType == "ReduceSum" ? 13 : 18;
        long[]? axes;
        if (context.Opset >= axesAsInputFrom)
        {
            axes = node.Input(1) is { } axesInput
                ? ConstantValues.TryGetInt64s(axesInput) ?? (node.GetInt("keepdims", 1) != 0 ? null
                    : throw new NotSupportedException("the axes are not a constant, so the reduced axes cannot be restored"))
                : [];
        }
        else
        {
            axes = node.GetInts("axes") is { } a ? [.. a] : [];
        }

        bool noopWhenEmpty = context.Opset >= axesAsInputFrom && node.GetInt("noop_with_empty_axes", 0) != 0;
        if (axes is { Length: 0 } && noopWhenEmpty)
        {
            result[0] = g;
            return result;
        }

        Value gHat = g;
        if (node.GetInt("keepdims", 1) == 0 && axes is { Length: > 0 })
        {
            gHat = GradientOps.Unsqueeze(context, g, axes);
        }

        Value dx = context.Op("Expand", [gHat, context.ShapeOf(x)]);
        if (node.OpType == "ReduceMean")
        {
            Value n = context.Op("Div", [context.Op("Size", [x]), context.Op("Size", [y])]);
            dx = context.Op("Div", [dx, GradientOps.CastLike(context, n, x)]);
        }

        result[0] = dx;
        return result;
    }
}
