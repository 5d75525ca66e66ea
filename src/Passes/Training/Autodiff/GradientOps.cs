// Opset-aware emission of the small ops gradient rules share: reductions, (un)squeezes, zeros, casts.
namespace Onnxc.Passes.Training.Autodiff;

/// <summary>
/// Builders that pick the form valid at <see cref="GradientContext.Opset"/> (13 and later): ReduceSum, Squeeze and
/// Unsqueeze take axes as an input from 13, ReduceMean from 18; Split takes sizes as an input from 13.
/// </summary>
public static class GradientOps
{
    /// <summary>ReduceSum over <paramref name="axes"/> (every axis when empty is not meant: pass them explicitly).</summary>
    public static Value ReduceSum(GradientContext context, Value x, long[] axes, bool keepDims) =>
        context.Op("ReduceSum", [x, context.Int64s(axes)], NodeAttribute.Of("keepdims", keepDims ? 1L : 0L));

    /// <summary>ReduceMean over <paramref name="axes"/>: axes an attribute before opset 18 and an input from 18.</summary>
    public static Value ReduceMean(GradientContext context, Value x, long[] axes, bool keepDims) =>
        context.Opset >= 18
            ? context.Op("ReduceMean", [x, context.Int64s(axes)], NodeAttribute.Of("keepdims", keepDims ? 1L : 0L))
            : context.Op("ReduceMean", [x], NodeAttribute.Of("axes", axes), NodeAttribute.Of("keepdims", keepDims ? 1L : 0L));

    /// <summary>ReduceSum over every axis to a rank-0 value.</summary>
    public static Value ReduceSumAll(GradientContext context, Value x) =>
        context.Op("ReduceSum", [x], NodeAttribute.Of("keepdims", 0L));

    public static Value Unsqueeze(GradientContext context, Value x, params long[] axes) =>
        context.Op("Unsqueeze", [x, context.Int64s(axes)]);

    /// <summary>A tensor of zeros with the runtime shape and element type of <paramref name="like"/>.</summary>
    public static Value ZerosLike(GradientContext context, Value like)
    {
        ElementType t = like.ElementType == ElementType.Undefined ? ElementType.Float : like.ElementType;
        TensorData zero = TensorData.FromBytes(t, [1], new byte[t.ByteCount(1)]);
        return context.Op("ConstantOfShape", [context.ShapeOf(like)], NodeAttribute.Of("value", zero));
    }

    /// <summary><paramref name="x"/> cast to the element type of <paramref name="like"/> when the two differ.</summary>
    public static Value CastLike(GradientContext context, Value x, Value like) =>
        x.ElementType == like.ElementType && x.ElementType != ElementType.Undefined
            ? x
            : context.Op("Cast", [x], NodeAttribute.Of("to", (long)(like.ElementType == ElementType.Undefined ? ElementType.Float : like.ElementType)));

    /// <summary>Reshapes <paramref name="x"/> to the runtime shape of <paramref name="like"/> (static when known).</summary>
    public static Value ReshapeLike(GradientContext context, Value x, Value like)
    {
        var dims = GradientContext.StaticDims(like);
        Value shape = dims is { } d && d.All(v => v >= 0) ? context.Int64s([.. d]) : context.ShapeOf(like);
        return context.Op("Reshape", [x, shape]);
    }

    /// <summary>A rank-0 int64 constant (Range bounds).</summary>
    public static Value Int64Scalar(GradientContext context, long value) =>
        context.Graph.AddConstant("grad_int", TensorData.Scalar(value));

    /// <summary>
    /// The flat row-major position of every element of <paramref name="x"/>, in x's runtime shape:
    /// Reshape(Range(0, Size(x), 1), Shape(x)) as int64.
    /// </summary>
    public static Value Positions(GradientContext context, Value x)
    {
        Value range = context.Op("Range", [Int64Scalar(context, 0), context.Op("Size", [x]), Int64Scalar(context, 1)]);
        return context.Op("Reshape", [range, context.ShapeOf(x)]);
    }

    /// <summary>The rank of <paramref name="value"/>, or a NotSupportedException naming it.</summary>
    public static int Rank(Value value) =>
        value.Shape?.Rank ?? throw new NotSupportedException($"the rank of {value.Name} is unknown");

    /// <summary>Normalizes a possibly negative axis against <paramref name="rank"/>.</summary>
    public static int Axis(long axis, int rank)
    {
        long a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= rank)
        {
            throw new NotSupportedException($"axis {axis} is out of range for rank {rank}");
        }

        return (int)a;
    }
}
