// Backward of Gather, with repeated and negative indices.
namespace Onnxc.Passes.Training.Autodiff.Rules;

/// <summary>
/// y[p, i, q] = x[p, idx[i], q] with x viewed as [P, D, Q] around the axis (P, Q the products of the dims before
/// and after it) and the indices flattened to Ni: dx[p, d, q] = Σ_{i : idx[i] = d} g[p, i, q], so a repeated
/// index accumulates. Negative indices count from D. From opset 16 this is one ScatterElements with
/// reduction = "add" on axis 1; before it, the same sum as a product with the one-hot matrix
/// H[i, d] = (idx[i] = d): dx = Hᵀ·g batched over p. The indices get no gradient.
/// </summary>
public sealed class GatherRule : IGradientRule
{
    public IReadOnlyList<string> OpTypes { get; } = ["Gather"];

    public IReadOnlyList<Value?> Backward(GradientContext context, Node node, IReadOnlyList<Value?> outputGrads)
    {
        Value x = node.Inputs[0]!, indices = node.Inputs[1]!;
        if (outputGrads[0] is not { } g || !context.NeedsGradient(x))
        {
            return [null, null];
        }

        int rank = GradientOps.Rank(x);
        int axis = GradientOps.Axis(node.GetInt("axis", 0), rank);
        Value shapeX = context.ShapeOf(x);
        Value d = context.Op("Slice", [shapeX, context.Int64s(axis), context.Int64s(axis + 1)]);
        Value idx = context.Op("Cast", [indices], NodeAttribute.Of("to", (long)ElementType.Int64));
        idx = context.Op("Where", [context.Op("Less", [idx, GradientOps.Int64Scalar(context, 0)]), context.Op("Add", [idx, d]), idx]);
        Value flatIdx = context.Op("Reshape", [idx, context.Int64s(-1)]);

        // g and x as [P, Ni, Q] and [P, D, Q].
        Value shape3 = context.Op("Concat",
            [Product(context, x, shapeX, 0, axis), context.Int64s(-1), Product(context, x, shapeX, axis + 1, rank)],
            NodeAttribute.Of("axis", 0L));
        Value g3 = context.Op("Reshape", [g, shape3]);
        Value dx3;
        if (context.Opset >= 16)
        {
            Value idx3 = context.Op("Expand", [context.Op("Reshape", [flatIdx, context.Int64s(1, -1, 1)]), context.ShapeOf(g3)]);
            Value zeros3 = context.Op("Reshape", [GradientOps.ZerosLike(context, x), shape3]);
            dx3 = context.Op("ScatterElements", [zeros3, idx3, g3], NodeAttribute.Of("axis", 1L), NodeAttribute.Of("reduction", "add"));
        }
        else
        {
            Value classes = context.Op("Range",
                [GradientOps.Int64Scalar(context, 0), context.Op("Reshape", [d, context.Int64s()]), GradientOps.Int64Scalar(context, 1)]);
            Value hit = context.Op("Equal", [GradientOps.Unsqueeze(context, flatIdx, 1), classes]);
            Value oneHot = GradientOps.CastLike(context, hit, x);
            dx3 = context.Op("MatMul", [context.Op("Transpose", [oneHot], NodeAttribute.Of("perm", 1L, 0L)), g3]);
        }

        return [context.Op("Reshape", [dx3, shapeX]), null];
    }

    /// <summary>Π x.dims[from..to) as a [1] int64: a constant when those dims are static.</summary>
    private static Value Product(GradientContext context, Value x, Value shapeX, int from, int to)
    {
        var dims = GradientContext.StaticDims(x)!.Value;
        if (Enumerable.Range(from, to - from).All(i => dims[i] >= 0))
        {
            return context.Int64s(Enumerable.Range(from, to - from).Aggregate(1L, (p, i) => p * dims[i]));
        }

        Value part = context.Op("Slice", [shapeX, context.Int64s(from), context.Int64s(to)]);
        return context.Op("ReduceProd", [part], NodeAttribute.Of("keepdims", 1L));
    }
}
