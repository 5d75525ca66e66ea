// cancel-squeeze-unsqueeze: Unsqueeze(Squeeze(x, a), a) = x and Squeeze(Unsqueeze(x, a), a) = x.
using Onnxc.Passes.Rewriting;

namespace Onnxc.Passes.Fusion;

/// <summary>
/// Squeezing axes a removes size-1 axes at positions a of x; unsqueezing the same non-negative axes a puts size-1
/// axes back at exactly those positions of the result (both sort a), so the pair is the identity; in the other
/// order the inserted axes are the ones removed. Guards: both axes lists are explicit, constant, non-negative
/// (negative axes count from different ranks) and equal as sets; the outer output can be replaced by x.
/// </summary>
public sealed class SqueezeUnsqueezeCancellation : RewriteRule<SqueezeUnsqueezeCancellation.Bound>
{
    private readonly string _inner;

    private SqueezeUnsqueezeCancellation(string outer, string inner, string name)
    {
        RootOpType = outer;
        _inner = inner;
        Name = name;
    }

    public static SqueezeUnsqueezeCancellation UnsqueezeOfSqueeze { get; } = new("Unsqueeze", "Squeeze", "cancel-unsqueeze-of-squeeze");

    public static SqueezeUnsqueezeCancellation SqueezeOfUnsqueeze { get; } = new("Squeeze", "Unsqueeze", "cancel-squeeze-of-unsqueeze");

    public override string Name { get; }

    public override string RootOpType { get; }

    protected override MatchOutcome<Bound> Match(Node outer, RewriteContext context) =>
        outer.Input(0)?.Producer is { IsDefaultDomain: true } inner && inner.OpType == _inner
            ? new Bound(inner, outer)
            : Fail($"the input is not produced by a {_inner}");

    protected override string? Check(Bound m, RewriteContext context)
    {
        long[]? a = Axes(m.Inner);
        long[]? b = Axes(m.Outer);
        if (a is null || b is null || a.Length == 0)
        {
            return "axes are implicit or not constant";
        }

        if (a.Any(x => x < 0) || b.Any(x => x < 0))
        {
            return "negative axes";
        }

        if (!a.Order().SequenceEqual(b.Order()))
        {
            return $"axes [{string.Join(",", a)}] and [{string.Join(",", b)}] differ";
        }

        return Guards.CanReplace(m.Outer.Output(0)!, m.Inner.Input(0)!);
    }

    private static long[]? Axes(Node n) =>
        n.GetInts("axes") is { } attr ? [.. attr]
        : ConstantValues.TryGetInts(n.Input(1));

    protected override void Rewrite(Bound m, RewriteContext context)
    {
        context.Replace(m.Outer.Output(0)!, m.Inner.Input(0)!);
        context.RemoveIfDead(m.Outer, m.Inner);
    }

    public sealed record Bound(Node Inner, Node Outer);
}
