// Backward of MatMul: batched, with broadcast batch dims and 1-D operands.
namespace Onnxc.Passes.Training.Autodiff.Rules;

/// <summary>
/// y = a·b over the last two axes, batch axes broadcast. A 1-D a is read as [1, K] and a 1-D b as [K, 1], the
/// inserted axis dropped from y; so with ĝ = g with those axes reinserted, â = [1,K] a and b̂ = [K,1] b:
/// da = reshape(reduce(ĝ·b̂ᵀ → â), shape(a)) and db = reshape(reduce(âᵀ·ĝ → b̂), shape(b)), where reduce sums
/// the batch axes that a (or b) was broadcast along.
/// </summary>
public sealed class MatMulRule : IGradientRule
{
    public IReadOnlyList<string> OpTypes { get; } = ["MatMul"];

    public IReadOnlyList<Value?> Backward(GradientContext context, Node node, IReadOnlyList<Value?> outputGrads)
    {
        Value a = node.Inputs[0]!, b = node.Inputs[1]!;
        bool wantA = context.NeedsGradient(a), wantB = context.NeedsGradient(b);
        if (outputGrads[0] is not { } g || !(wantA || wantB))
        {
            return [null, null];
        }

        long[] aDims = [.. GradientContext.StaticDims(a) ?? throw new NotSupportedException($"the rank of {a.Name} is unknown")];
        long[] bDims = [.. GradientContext.StaticDims(b) ?? throw new NotSupportedException($"the rank of {b.Name} is unknown")];
        bool aVector = aDims.Length == 1, bVector = bDims.Length == 1;
        long[] aHat = aVector ? [1, aDims[0]] : aDims;
        long[] bHat = bVector ? [bDims[0], 1] : bDims;
        int rank = Math.Max(aHat.Length, bHat.Length);

        // ĝ: the output gradient with the dropped vector axes put back, at rank `rank`.
        var inserted = new List<long>();
        if (aVector)
        {
            inserted.Add(rank - 2);
        }

        if (bVector)
        {
            inserted.Add(rank - 1);
        }

        Value gHat = inserted.Count > 0 ? GradientOps.Unsqueeze(context, g, [.. inserted]) : g;
        Value aH = aVector ? GradientOps.Unsqueeze(context, a, 0) : a;
        Value bH = bVector ? GradientOps.Unsqueeze(context, b, 1) : b;
        long[] batch = BroadcastBatch(aHat, bHat, rank - 2);

        Value? da = null, db = null;
        if (wantA)
        {
            Value prod = context.Op("MatMul", [gHat, TransposeLast(context, bH, bHat.Length)]);
            long[] prodDims = [.. batch, aHat[^2], aHat[^1]];
            Value reduced = BroadcastReduction.ReduceTo(context, prod, prodDims, aHat, aH);
            da = reduced == prod && !aVector && prodDims.Length == aDims.Length ? reduced : GradientOps.ReshapeLike(context, reduced, a);
        }

        if (wantB)
        {
            Value prod = context.Op("MatMul", [TransposeLast(context, aH, aHat.Length), gHat]);
            long[] prodDims = [.. batch, bHat[^2], bHat[^1]];
            Value reduced = BroadcastReduction.ReduceTo(context, prod, prodDims, bHat, bH);
            db = reduced == prod && !bVector && prodDims.Length == bDims.Length ? reduced : GradientOps.ReshapeLike(context, reduced, b);
        }

        return [da, db];
    }

    private static Value TransposeLast(GradientContext context, Value x, int rank)
    {
        long[] perm = [.. Enumerable.Range(0, rank).Select(i => (long)i)];
        (perm[rank - 2], perm[rank - 1]) = (perm[rank - 1], perm[rank - 2]);
        return context.Op("Transpose", [x], NodeAttribute.Of("perm", perm));
    }

    /// <summary>The broadcast batch dims (−1 where not static and not decided by a static operand).</summary>
    private static long[] BroadcastBatch(long[] a, long[] b, int count)
    {
        var dims = new long[count];
        for (int i = 0; i < count; i++)
        {
            int ia = i - (count - (a.Length - 2)), ib = i - (count - (b.Length - 2));
            long da = ia >= 0 ? a[ia] : 1, db = ib >= 0 ? b[ib] : 1;
            dims[i] = da == 1 ? db : db == 1 ? da : da >= 0 ? da : db;
        }

        return dims;
    }
}
