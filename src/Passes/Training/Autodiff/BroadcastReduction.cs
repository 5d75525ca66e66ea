// Reduces a gradient computed at a broadcast result's shape back to the shape of one broadcast operand.
namespace Onnxc.Passes.Training.Autodiff;

/// <summary>
/// The adjoint of numpy-style broadcasting. When an operand x of shape s is broadcast to the result shape r,
/// every element of x feeds all result elements along the broadcast axes, so
/// dL/dx = ReduceSum over those axes of dL/dy, reshaped to s. The broadcast axes are the leading
/// rank(r) − rank(s) axes and every axis where s has a static 1 and r does not. A dim that is symbolic or
/// unknown in s is taken as not broadcast (a symbolic dim that is 1 at run time is equal to r's dim there
/// anyway unless r's is larger, which the model's own shape facts would contradict); a static 1 in s against a
/// symbolic dim in r is reduced, which is exact either way.
/// </summary>
public static class BroadcastReduction
{
    /// <summary>
    /// Reduces <paramref name="grad"/> (with the shape of <paramref name="result"/>) to the shape of
    /// <paramref name="operand"/>, which was broadcast to produce it. Both ranks must be known.
    /// </summary>
    public static Value ReduceToOperand(GradientContext context, Value grad, Value operand, Value result)
    {
        var targetDims = GradientContext.StaticDims(operand)
            ?? throw new NotSupportedException($"the rank of {operand.Name} is unknown, so its broadcast cannot be undone");
        var gradDims = GradientContext.StaticDims(result)
            ?? throw new NotSupportedException($"the rank of {result.Name} is unknown, so its broadcast cannot be undone");
        return ReduceTo(context, grad, [.. gradDims], [.. targetDims], operand);
    }

    /// <summary>
    /// Reduces <paramref name="grad"/>, whose static dims are <paramref name="gradDims"/> (−1 where not static),
    /// to <paramref name="targetDims"/>. <paramref name="shapeSource"/> supplies the runtime target shape when
    /// the target is not fully static; it must have <paramref name="targetDims"/> as its shape.
    /// Returns <paramref name="grad"/> itself when nothing is broadcast.
    /// </summary>
    public static Value ReduceTo(GradientContext context, Value grad, IReadOnlyList<long> gradDims, IReadOnlyList<long> targetDims, Value shapeSource)
    {
        int lead = gradDims.Count - targetDims.Count;
        if (lead < 0)
        {
            throw new NotSupportedException($"a gradient of rank {gradDims.Count} cannot reduce to rank {targetDims.Count}");
        }

        var axes = new List<long>();
        for (int i = 0; i < gradDims.Count; i++)
        {
            if (i < lead || (targetDims[i - lead] == 1 && gradDims[i] != 1))
            {
                axes.Add(i);
            }
        }

        if (axes.Count == 0)
        {
            return grad;
        }

        Value summed = GradientOps.ReduceSum(context, grad, [.. axes], keepDims: true);
        if (lead == 0)
        {
            return summed;
        }

        Value shape = targetDims.All(d => d >= 0) ? context.Int64s([.. targetDims]) : context.ShapeOf(shapeSource);
        return context.Op("Reshape", [summed, shape]);
    }
}
