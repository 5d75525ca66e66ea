// merge-consecutive-slices: two Slices over disjoint axes become one.
using Onnxc.Passes.Rewriting;

namespace Onnxc.Passes.Fusion;

/// <summary>
/// Slicing axis a and then a different axis b is one Slice over [a, b]: each Slice leaves the axes it does not list
/// untouched, so the lists concatenate. Guards: opset 10+ input form; starts, ends, axes and steps (when given)
/// are constant; axes are non-negative (or the rank is known) and the two lists are disjoint.
/// </summary>
public sealed class SliceChainFusion : RewriteRule<SliceChainFusion.Bound>
{
    public override string Name => "merge-consecutive-slices";

    public override string RootOpType => "Slice";

    protected override MatchOutcome<Bound> Match(Node outer, RewriteContext context) =>
        outer.Input(0)?.Producer is { OpType: "Slice", IsDefaultDomain: true } inner
            ? new Bound(inner, outer)
            : Fail("the input is not produced by a Slice");

    protected override string? Check(Bound m, RewriteContext context)
    {
        if (m.Inner.Attribute("starts") is not null || m.Outer.Attribute("starts") is not null)
        {
            return "attribute-form Slice (opset < 10)";
        }

        if (Parts(m.Inner) is not { } a || Parts(m.Outer) is not { } b)
        {
            return "starts, ends, axes or steps are not constant";
        }

        int? rank = m.Inner.Input(0)!.Shape?.Rank;
        long[]? axesA = Normalize(a.Axes, rank);
        long[]? axesB = Normalize(b.Axes, rank);
        if (axesA is null || axesB is null)
        {
            return "negative axes of unknown rank";
        }

        return axesA.Intersect(axesB).Any() ? "the Slices share an axis" : null;
    }

    protected override void Rewrite(Bound m, RewriteContext context)
    {
        Lists a = Parts(m.Inner)!;
        Lists b = Parts(m.Outer)!;
        int? rank = m.Inner.Input(0)!.Shape?.Rank;
        Value Ints(string hint, long[] values) => context.AddConstant(hint, TensorData.FromInt64s([values.Length], values));
        string name = m.Outer.Outputs[0]!.Name;
        Node merged = context.Graph.AddNode(
            "Slice",
            [
                m.Inner.Input(0),
                Ints(name + "_starts", [.. a.Starts, .. b.Starts]),
                Ints(name + "_ends", [.. a.Ends, .. b.Ends]),
                Ints(name + "_axes", [.. Normalize(a.Axes, rank)!, .. Normalize(b.Axes, rank)!]),
                Ints(name + "_steps", [.. a.Steps, .. b.Steps]),
            ],
            1,
            before: m.Outer);
        Graph.SetType(merged.Outputs[0]!, m.Outer.Outputs[0]!.Type);
        context.Replace(m.Outer.Outputs[0]!, merged.Outputs[0]!);
        context.RemoveIfDead(m.Outer, m.Inner);
    }

    private static Lists? Parts(Node slice)
    {
        long[]? starts = ConstantValues.TryGetInts(slice.Input(1));
        long[]? ends = ConstantValues.TryGetInts(slice.Input(2));
        long[]? axes = slice.Input(3) is null ? starts is null ? null : [.. Enumerable.Range(0, starts.Length).Select(i => (long)i)] : ConstantValues.TryGetInts(slice.Input(3));
        long[]? steps = slice.Input(4) is null ? starts is null ? null : [.. Enumerable.Repeat(1L, starts.Length)] : ConstantValues.TryGetInts(slice.Input(4));
        if (starts is null || ends is null || axes is null || steps is null || ends.Length != starts.Length || axes.Length != starts.Length || steps.Length != starts.Length)
        {
            return null;
        }

        return new Lists(starts, ends, axes, steps);
    }

    private static long[]? Normalize(long[] axes, int? rank)
    {
        if (axes.All(x => x >= 0))
        {
            return axes;
        }

        return rank is int r ? [.. axes.Select(x => x < 0 ? x + r : x)] : null;
    }

    public sealed record Bound(Node Inner, Node Outer);

    private sealed record Lists(long[] Starts, long[] Ends, long[] Axes, long[] Steps);
}
