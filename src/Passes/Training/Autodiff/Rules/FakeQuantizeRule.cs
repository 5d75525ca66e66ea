// Backward of a QuantizeLinear → DequantizeLinear pair (fake quantization): straight-through inside the range, LSQ for the scale.
namespace Onnxc.Passes.Training.Autodiff.Rules;

/// <summary>
/// y = s·(clamp(round(x/s) + z, q_min, q_max) − z), per tensor or per channel along the QuantizeLinear's axis,
/// with [q_min, q_max] the range of the zero point's type (uint8 when it is omitted).
/// <list type="bullet">
/// <item>x (straight-through estimator): dx = g where q_min ≤ round(x/s) + z ≤ q_max, else 0.</item>
/// <item>s (learned step size, Esser et al., LSQ): ∂y/∂s = round(x/s) − x/s inside the range and
/// q_clamped − z outside it; ds = γ·Σ g·∂y/∂s over the elements that share s, with the gradient scale
/// γ = 1/√(n·q_max), n the number of elements per scale.</item>
/// <item>the zero point is an integer and gets no gradient.</item>
/// </list>
/// The rule is registered for DequantizeLinear; the <see cref="Differentiator"/> hands it the pair's
/// QuantizeLinear inputs (x, scale, zero point) as the node's inputs. The pair must use the same scale and zero
/// point on both sides.
/// </summary>
public sealed class FakeQuantizeRule : IGradientRule
{
    public IReadOnlyList<string> OpTypes { get; } = ["DequantizeLinear"];

    public IReadOnlyList<Value?> Backward(GradientContext context, Node node, IReadOnlyList<Value?> outputGrads)
    {
        Node q = Differentiator.FakeQuantizePair(node)
            ?? throw new NotSupportedException("a DequantizeLinear on the gradient path must be fed by its own QuantizeLinear (fake quantization)");
        var result = new Value?[q.Inputs.Count];
        if (outputGrads[0] is not { } g)
        {
            return result;
        }

        Value x = q.Inputs[0]!, scale = q.Inputs[1]!;
        Value? zeroPoint = q.Input(2);
        if (node.Inputs[1] != scale || node.Input(2) != zeroPoint)
        {
            throw new NotSupportedException("the QuantizeLinear and DequantizeLinear of a fake-quantization pair use different scales or zero points");
        }

        if (q.GetInt("block_size", 0) != 0)
        {
            throw new NotSupportedException("blocked quantization");
        }

        (double qmin, double qmax) = Range(zeroPoint?.ElementType ?? ElementType.UInt8);
        int rank = GradientOps.Rank(x);
        int scaleRank = GradientOps.Rank(scale);
        int axis = scaleRank == 0 ? -1 : GradientOps.Axis(q.GetInt("axis", 1), rank);
        Value s = Broadcastable(context, scale, axis, rank);
        Value v = context.Op("Div", [x, s]);
        Value level = context.Op("Round", [v]);
        if (zeroPoint is not null)
        {
            level = context.Op("Add", [level, Broadcastable(context, GradientOps.CastLike(context, zeroPoint, x), axis, rank)]);
        }

        Value lo = context.Scalar(qmin, x), hi = context.Scalar(qmax, x);
        Value inside = GradientOps.CastLike(context,
            context.Op("And", [context.Op("GreaterOrEqual", [level, lo]), context.Op("LessOrEqual", [level, hi])]), x);

        if (context.NeedsGradient(x))
        {
            result[0] = context.Op("Mul", [g, inside]);
        }

        if (context.NeedsGradient(scale))
        {
            // ∂y/∂s = (clamped − z) − (x/s)·inside.
            Value clamped = context.Op("Clip", [level, lo, hi]);
            Value centred = zeroPoint is null ? clamped
                : context.Op("Sub", [clamped, Broadcastable(context, GradientOps.CastLike(context, zeroPoint, x), axis, rank)]);
            Value dyds = context.Op("Sub", [centred, context.Op("Mul", [v, inside])]);
            Value perElement = context.Op("Mul", [g, dyds]);
            Value summed = axis < 0
                ? GradientOps.ReduceSumAll(context, perElement)
                : GradientOps.ReduceSum(context, perElement, [.. Enumerable.Range(0, rank).Where(a => a != axis).Select(a => (long)a)], keepDims: false);

            // γ = 1/√(n·q_max), n = |x| / |s|.
            Value n = GradientOps.CastLike(context, context.Op("Div", [context.Op("Size", [x]), context.Op("Size", [scale])]), x);
            Value gamma = context.Op("Reciprocal", [context.Op("Sqrt", [context.Op("Mul", [n, context.Scalar(qmax, x)])])]);
            result[1] = GradientOps.ReshapeLike(context, context.Op("Mul", [summed, gamma]), scale);
        }

        return result;
    }

    /// <summary>The representable range of a quantized element type.</summary>
    public static (double Min, double Max) Range(ElementType type) => type switch
    {
        ElementType.Int8 => (-128, 127),
        ElementType.UInt8 => (0, 255),
        ElementType.Int16 => (-32768, 32767),
        ElementType.UInt16 => (0, 65535),
        ElementType.Int4 => (-8, 7),
        ElementType.UInt4 => (0, 15),
        _ => throw new NotSupportedException($"fake quantization to {type}"),
    };

    /// <summary>A per-axis parameter [C] as [1,…,C,…,1] against rank <paramref name="rank"/>; a scalar as it is.</summary>
    private static Value Broadcastable(GradientContext context, Value p, int axis, int rank)
    {
        if (axis < 0)
        {
            return p;
        }

        long[] others = [.. Enumerable.Range(0, rank).Where(a => a != axis).Select(a => (long)a)];
        return GradientOps.Unsqueeze(context, p, others);
    }
}
