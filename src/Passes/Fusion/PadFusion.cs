// fuse-pad-into-conv / fuse-pad-into-averagepool: a zero constant Pad of spatial dims becomes the consumer's pads.
using Onnxc.Passes.Rewriting;

namespace Onnxc.Passes.Fusion;

/// <summary>
/// Conv(Pad(x, p)) = Conv(x) with pads increased by p on the spatial axes, when Pad is mode "constant" with value
/// 0 and pads nothing on the batch and channel axes: Conv's own padding is zeros too. The same holds for
/// AveragePool with count_include_pad = 1, which averages padded zeros like real ones. Guards: the Pad output has
/// one use; pads are constant and non-negative; the consumer's auto_pad is NOTSET.
/// </summary>
public sealed class PadFusion : RewriteRule<PadFusion.Bound>
{
    private readonly string _consumer;

    private PadFusion(string consumer, string name)
    {
        _consumer = consumer;
        Name = name;
    }

    public static PadFusion IntoConv { get; } = new("Conv", "fuse-pad-into-conv");

    public static PadFusion IntoAveragePool { get; } = new("AveragePool", "fuse-pad-into-averagepool");

    public override string Name { get; }

    public override string RootOpType => _consumer;

    protected override MatchOutcome<Bound> Match(Node root, RewriteContext context)
    {
        if (root.Input(0)?.Producer is not { OpType: "Pad" } pad || !pad.IsDefaultDomain)
        {
            return Fail("the data input is not produced by a Pad");
        }

        return new Bound(pad, root);
    }

    protected override string? Check(Bound m, RewriteContext context)
    {
        Node pad = m.Pad;
        string? reason = Guards.SingleUse(pad.Output(0)!);
        if (reason is not null)
        {
            return reason;
        }

        if (pad.GetString("mode", "constant") != "constant")
        {
            return $"Pad mode is {pad.GetString("mode", "constant")}";
        }

        if (pad.Input(3) is not null)
        {
            return "Pad has an axes input";
        }

        if (pad.GetFloat("value", 0f) != 0f || (pad.Input(2) is { } v && !(ConstantValues.TryGet(v) is { } pv && pv.ToDoubles().All(x => x == 0))))
        {
            return "the pad value is not a constant 0";
        }

        if (Pads(pad) is not { } pads)
        {
            return "pads are not constant";
        }

        int rank = pads.Length / 2;
        if (rank < 3 || pads.Any(p => p < 0) || pads[0] != 0 || pads[1] != 0 || pads[rank] != 0 || pads[rank + 1] != 0)
        {
            return $"pads [{string.Join(",", pads)}] touch batch or channel axes, are negative, or have no spatial axes";
        }

        if (m.Consumer.GetString("auto_pad", "NOTSET") != "NOTSET")
        {
            return $"{m.Consumer.OpType} uses auto_pad {m.Consumer.GetString("auto_pad", "NOTSET")}";
        }

        if (m.Consumer.OpType == "AveragePool" && m.Consumer.GetInt("count_include_pad", 0) == 0)
        {
            return "AveragePool excludes padding from its counts";
        }

        return null;
    }

    private static long[]? Pads(Node pad) =>
        pad.GetInts("pads") is { } a ? [.. a]
        : ConstantValues.TryGetInts(pad.Input(1));

    protected override void Rewrite(Bound m, RewriteContext context)
    {
        long[] pads = Pads(m.Pad)!;
        int rank = pads.Length / 2;
        int spatial = rank - 2;
        long[] merged = m.Consumer.GetInts("pads") is { } old ? [.. old] : new long[2 * spatial];
        for (int i = 0; i < spatial; i++)
        {
            merged[i] += pads[2 + i];
            merged[spatial + i] += pads[rank + 2 + i];
        }

        context.Graph.SetAttribute(m.Consumer, NodeAttribute.Of("pads", merged));
        context.Graph.SetInput(m.Consumer, 0, m.Pad.Input(0));
        context.RemoveIfDead(m.Pad);
    }

    public sealed record Bound(Node Pad, Node Consumer);
}
