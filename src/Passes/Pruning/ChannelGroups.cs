// Which channels of a float graph must be removed together: union-find over (tensor, channel) through every op.
using Onnxc.GraphIR.Analysis;

namespace Onnxc.Passes.Pruning;

/// <summary>
/// The channel dependency groups of a graph. Every value with a channel axis gets one slot per channel: axis 1 for
/// NCHW activations and [N,F] features, the last axis for the [N,T,D] tokens of a MatMul with a constant weight,
/// and two axes (heads and head width, one channel per pair, row-major) for the heads of an attention block. Ops
/// join slots that must go together:
/// <list type="bullet">
/// <item>elementwise and per-channel ops (Relu, Clip, BatchNormalization, pools, Dropout, ...) join output c with input c;</item>
/// <item>Add/Sub/Mul/Div/Max/Min join every operand that carries the channel (a residual Add makes both branches one set);
/// a per-channel constant operand is sliced with them;</item>
/// <item>a grouped or depthwise Conv joins each group's input and output channels into one set (groups go whole),
/// its group count shrinks with them;</item>
/// <item>Concat on the channel axis joins output offset+c with input c; on another axis it is elementwise;</item>
/// <item>a zero Pad on the channel axis joins output before+c with input c, and its padded channels are zeros
/// that only shrink the pad;</item>
/// <item>Flatten or Reshape from [N,C,H,W] to [N,C·H·W] joins feature c·H·W+i with channel c (a block per channel);</item>
/// <item>Conv (group 1), Gemm and MatMul with constant weights start new sets: their output channels are
/// <em>producers</em> (weight rows), their input channels <em>consumers</em> (weight columns); a MatMul's
/// channels are the last axis, so a transformer MLP's hidden units are channels;</item>
/// <item>attention heads: a Reshape that splits the last axis into [heads, width] makes every head one set (its
/// width channels go together); Transpose moves the channel axes; a MatMul of two activations joins, per head, the
/// channels of both operands and of its output (Q·Kᵀ, then the context with V); Softmax over another axis is per
/// channel; the Reshape that merges the heads back gives the output projection's input channels. Removing a head
/// removes its Q, K and V projection columns and the output projection's rows, and the Reshape targets shrink;</item>
/// </list>
/// A set that reaches a graph input or output, an op without a rule, a value of unknown channel count, a value whose
/// producer does not carry its channels, or a channel-axis Slice with a step is frozen, with the reason kept. Only
/// sets with at least one producer are candidates.
/// </summary>
public sealed class ChannelGroups
{
    private static readonly HashSet<string> Passthrough =
    [
        "Relu", "LeakyRelu", "Clip", "Sigmoid", "Tanh", "HardSigmoid", "HardSwish", "Elu", "Selu", "Celu", "Gelu",
        "Softplus", "Softsign", "Mish", "Erf", "Neg", "Abs", "Identity", "Dropout", "MaxPool", "AveragePool",
        "GlobalAveragePool", "GlobalMaxPool", "LpPool", "BatchNormalization", "InstanceNormalization", "PRelu",
        "Cast", "Sqrt", "Exp", "Floor", "Ceil", "Round", "Reciprocal",
    ];

    /// <summary>Passthrough ops whose per-channel meaning is axis 1 of NCHW (pools, normalisations, PRelu): other channel axes freeze.</summary>
    private static readonly HashSet<string> AxisOneOnly =
    [
        "MaxPool", "AveragePool", "GlobalAveragePool", "GlobalMaxPool", "LpPool", "BatchNormalization", "InstanceNormalization", "PRelu",
    ];

    private static readonly HashSet<string> Binary = ["Add", "Sub", "Mul", "Div", "Max", "Min", "Sum"];

    private readonly Dictionary<Value, int> _offset = [];
    private readonly Dictionary<Value, int> _count = [];
    private readonly Dictionary<Value, int[]> _axes = [];
    private readonly List<int> _parent = [];
    private readonly Dictionary<int, string> _frozen = [];
    private readonly HashSet<int> _producers = [];
    private readonly HashSet<int> _zeroPad = [];
    private Node? _visiting;

    private ChannelGroups(Graph graph)
    {
        Graph = graph;
    }

    public Graph Graph { get; }

    /// <summary>Every set with at least one producer, frozen or not, in graph order of its first slot.</summary>
    public IReadOnlyList<ChannelGroup> Groups { get; private set; } = [];

    /// <summary>Analyses <paramref name="graph"/> (shapes must be inferred).</summary>
    public static ChannelGroups Analyze(Graph graph)
    {
        var g = new ChannelGroups(graph);
        g.Build();
        return g;
    }

    /// <summary>The number of channels of <paramref name="value"/> this analysis tracks, or null.</summary>
    public int? Channels(Value value) => _count.TryGetValue(value, out int c) ? c : null;

    /// <summary>The axes <paramref name="value"/>'s channels span (one channel per index over them, row-major), or null.</summary>
    public IReadOnlyList<int>? Axes(Value value) => _axes.TryGetValue(value, out int[]? a) ? a : null;

    /// <summary>Whether channel <paramref name="channel"/> of <paramref name="value"/> is a zero channel made by a Pad.</summary>
    public bool IsPadChannel(Value value, int channel) => _zeroPad.Contains(_offset[value] + channel);

    private void Build()
    {
        foreach (Value input in Graph.Inputs.Where(v => !v.IsInitializer))
        {
            Slots(input, out _);
            FreezeAll(input, $"reaches the graph input '{input.Name}'");
        }

        foreach (Node node in Graph.Nodes)
        {
            _visiting = node;
            Visit(node);
        }

        _visiting = null;

        foreach (Value output in Graph.Outputs)
        {
            FreezeAll(output, $"reaches the graph output '{output.Name}'");
        }

        Collect();
    }

    private void Visit(Node node)
    {
        Value[] carried = [.. node.Inputs.Where(v => v is not null && !ConstantValues.IsFixed(v) && _offset.ContainsKey(v)).Select(v => v!)];
        Value? y = node.Outputs.Count > 0 ? node.Outputs[0] : null;
        string reason = $"meets {node.OpType} node '{node.Name}', which has no channel rule";
        if (!node.IsDefaultDomain || y is null)
        {
            FreezeEach(carried, reason);
            return;
        }

        if (node.Subgraphs.Any())
        {
            FreezeEach(carried, $"meets {node.OpType} node '{node.Name}' (subgraphs are not followed)");
            return;
        }

        switch (node.OpType)
        {
            case "Conv":
                VisitConv(node, y);
                return;
            case "Gemm":
                VisitGemm(node, y);
                return;
            case "MatMul":
                VisitMatMul(node, y);
                return;
            case "Concat":
                VisitConcat(node, y);
                return;
            case "Pad":
                VisitPad(node, y);
                return;
            case "Flatten":
            case "Reshape":
                VisitFlatten(node, y);
                return;
            case "Slice":
                VisitSlice(node, y);
                return;
            case "Split":
                VisitSplit(node);
                return;
            case "Transpose":
                VisitTranspose(node, y);
                return;
        }

        if (node.OpType is "Softmax" or "LogSoftmax" or "Hardmax")
        {
            VisitSoftmax(node, y, carried);
            return;
        }

        if (Passthrough.Contains(node.OpType) || Binary.Contains(node.OpType))
        {
            VisitElementwise(node, y, carried);
            return;
        }

        FreezeEach(carried, reason);
        foreach (Value o in node.Outputs.Where(v => v is not null && _offset.ContainsKey(v)).Select(v => v!))
        {
            FreezeAll(o, reason);
        }
    }

    /// <summary>
    /// Elementwise and per-channel ops: the output carries the channels on the axes of the first operand that has
    /// them (moved by broadcasting); every other operand with those channels joins channel by channel, a constant
    /// is sliced with them when it is per channel and must broadcast otherwise.
    /// </summary>
    private void VisitElementwise(Node node, Value y, Value[] carried)
    {
        int rankY = y.Shape?.Rank ?? 0;
        int[] axes = carried.Length > 0 && carried[0].Shape is { } cs ? [.. _axes[carried[0]].Select(a => a + (rankY - cs.Rank))] : [1];
        if (AxisOneOnly.Contains(node.OpType) && !axes.SequenceEqual([1]))
        {
            FreezeEach(carried, $"{node.OpType} node '{node.Name}' is per channel on axis 1 only");
            return;
        }

        if (!SlotsAt(y, axes, out int c))
        {
            FreezeEach(carried, $"meets {node.OpType} node '{node.Name}' of unknown output shape");
            return;
        }

        foreach (Value x in node.Inputs.Where(v => v is not null).Select(v => v!))
        {
            if (ConstantValues.IsFixed(x))
            {
                if (!PerChannelConstantFits(x, y, axes))
                {
                    FreezeAll(y, $"constant '{x.Name}' of {node.OpType} node '{node.Name}' does not broadcast per channel");
                }

                continue;
            }

            if (node.OpType is "BatchNormalization" or "InstanceNormalization" or "PRelu" && x != node.Inputs[0])
            {
                FreezeAll(y, $"{node.OpType} node '{node.Name}' has a non-constant parameter '{x.Name}'");
                continue;
            }

            int[]? xAxes = OperandAxes(x, y, axes);
            if (xAxes is null)
            {
                continue; // broadcast along the channels: every channel reads the same values
            }

            if (xAxes.Any(a => a < 0) || ChannelCount(x, xAxes) != c || !SlotsAt(x, xAxes, out _))
            {
                string why = $"{node.OpType} node '{node.Name}': operand '{x.Name}' does not line up channel by channel";
                FreezeAll(y, why);
                FreezeAll(x, why);
                continue;
            }

            JoinChannels(x, y, c);
        }

        foreach (Value extra in node.Outputs.Skip(1).OfType<Value>().Where(v => v.Uses.Count > 0))
        {
            FreezeAll(y, $"{node.OpType} node '{node.Name}' has a used second output '{extra.Name}'");
        }
    }

    /// <summary>
    /// Softmax, LogSoftmax and Hardmax are per channel when they normalise over axes after every channel axis (for
    /// opsets before 13 the op flattens from its axis on, so the same test holds).
    /// </summary>
    private void VisitSoftmax(Node node, Value y, Value[] carried)
    {
        Value x = node.Inputs[0]!;
        int rank = x.Shape?.Rank ?? 0;
        long axis = node.GetInt("axis", (Graph.Model.OpsetVersion("") ?? 13) >= 13 ? -1 : 1);
        axis = axis < 0 ? axis + rank : axis;
        if (!_axes.TryGetValue(x, out int[]? axes))
        {
            return;
        }

        if (axes.Any(a => a >= axis) || !SlotsAt(y, axes, out int c))
        {
            FreezeEach(carried, $"{node.OpType} node '{node.Name}' normalises over a channel axis");
            return;
        }

        JoinChannels(x, y, c);
    }

    /// <summary>Transpose moves the channel axes; it may not reorder them (the channel index would change).</summary>
    private void VisitTranspose(Node node, Value y)
    {
        Value x = node.Inputs[0]!;
        if (!_axes.TryGetValue(x, out int[]? ax) || x.Shape is not { } xs)
        {
            return;
        }

        long[] perm = node.GetInts("perm") is { } p ? [.. p] : [.. Enumerable.Range(0, xs.Rank).Reverse().Select(i => (long)i)];
        int[] ay = [.. ax.Select(a => Array.IndexOf(perm, (long)a))];
        bool ordered = ay.All(a => a >= 0) && ay.Zip(ay.Skip(1)).All(pair => pair.First < pair.Second);
        if (!ordered || !SlotsAt(y, ay, out int c) || c != _count[x])
        {
            FreezeAll(x, $"Transpose node '{node.Name}' reorders the channel axes");
            FreezeIf(_offset.ContainsKey(y), y, $"Transpose node '{node.Name}' reorders the channel axes");
            return;
        }

        JoinChannels(x, y, c);
    }

    private void VisitConv(Node node, Value y)
    {
        Value x = node.Inputs[0]!;
        Value? w = node.Input(1);
        long group = node.GetInt("group", 1);
        bool hasX = Slots(x, out int cin);
        bool hasY = Slots(y, out int cout);
        if (!ConstantValues.IsFixed(w) || (node.Input(2) is { } b && !ConstantValues.IsFixed(b)) || w!.Initializer!.ElementType != ElementType.Float)
        {
            FreezeIf(hasX, x, $"Conv node '{node.Name}' has non-constant or non-float weights");
            FreezeIf(hasY, y, $"Conv node '{node.Name}' has non-constant or non-float weights");
            return;
        }

        if (!hasX || !hasY)
        {
            FreezeIf(hasX, x, $"Conv node '{node.Name}' has an output of unknown shape");
            FreezeIf(hasY, y, $"Conv node '{node.Name}' has an input of unknown shape");
            return;
        }

        if (group == 1)
        {
            for (int i = 0; i < cout; i++)
            {
                _producers.Add(_offset[y] + i);
            }

            return;
        }

        if (group <= 0 || cin % group != 0 || cout % group != 0)
        {
            FreezeAll(x, $"grouped Conv node '{node.Name}' (group {group}) does not divide {cin} input and {cout} output channels");
            FreezeAll(y, $"grouped Conv node '{node.Name}' (group {group}) does not divide {cin} input and {cout} output channels");
            return;
        }

        // Grouped and depthwise: a group's outputs read only its inputs, so a group goes whole: its input channels,
        // its output channels (producers) and, through them, the layers on either side.
        int inPer = cin / (int)group, outPer = cout / (int)group;
        for (int k = 0; k < group; k++)
        {
            int first = _offset[y] + (k * outPer);
            for (int i = 0; i < inPer; i++)
            {
                Union(_offset[x] + (k * inPer) + i, first);
            }

            for (int j = 0; j < outPer; j++)
            {
                Union(first + j, first);
                _producers.Add(first + j);
            }
        }
    }

    private void VisitGemm(Node node, Value y)
    {
        Value a = node.Inputs[0]!;
        bool hasA = Slots(a, out _);
        bool hasY = Slots(y, out int n);
        bool ok = node.GetInt("transA", 0) == 0 && ConstantValues.IsFixed(node.Input(1))
            && node.Input(1)!.Initializer!.ElementType == ElementType.Float
            && (node.Input(2) is not { } c || (ConstantValues.IsFixed(c) && BiasFits(c, n)));
        if (!ok || !hasA || !hasY)
        {
            string why = $"Gemm node '{node.Name}' needs transA 0, constant float B and C, and known shapes";
            FreezeIf(hasA, a, why);
            FreezeIf(hasY, y, why);
            return;
        }

        for (int i = 0; i < n; i++)
        {
            _producers.Add(_offset[y] + i);
        }
    }

    /// <summary>
    /// MatMul by a constant [K, N] weight: the output's last axis is N producer channels, the input's last axis K
    /// consumer channels (an input whose channels cannot be followed just stays whole). Two activations: see
    /// <see cref="VisitActivationMatMul"/>.
    /// </summary>
    private void VisitMatMul(Node node, Value y)
    {
        Value a = node.Inputs[0]!;
        Value? w = node.Input(1);
        if (!ConstantValues.IsFixed(w))
        {
            VisitActivationMatMul(node, y);
            return;
        }

        int rank = a.Shape?.Rank ?? 0;
        bool ok = rank >= 2 && y.Shape?.Rank == rank && w!.Initializer!.Dims.Length == 2 && w.Initializer.ElementType == ElementType.Float;
        int n = 0;
        if (ok)
        {
            SlotsAt(a, [rank - 1], out _); // the input's channels are consumers; ones that cannot be followed stay whole
        }

        if (!ok || !SlotsAt(y, [rank - 1], out n))
        {
            string why = $"MatMul node '{node.Name}' is not [..., K] × constant float [K, N] with known shapes";
            FreezeIf(_offset.ContainsKey(a), a, why);
            FreezeIf(_offset.ContainsKey(y), y, why);
            return;
        }

        for (int i = 0; i < n; i++)
        {
            _producers.Add(_offset[y] + i);
        }
    }

    /// <summary>
    /// A MatMul of two activations A [..., M, K] · B [..., K, N] (attention's Q·Kᵀ and its context with V). Channel
    /// axes may be batch axes (the heads), A's K with B's K, and B's N; the output carries the batch ones and N. Every
    /// channel of A, B and the output with the same batch index is one set; without batch channel axes, A's k pairs
    /// with B's k (and with every n the output carries).
    /// </summary>
    private void VisitActivationMatMul(Node node, Value y)
    {
        Value a = node.Inputs[0]!, b = node.Inputs[1]!;
        bool ta = _axes.TryGetValue(a, out int[]? sa), tb = _axes.TryGetValue(b, out int[]? sb);
        if (!ta && !tb)
        {
            return;
        }

        sa ??= [];
        sb ??= [];
        int r = y.Shape?.Rank ?? 0;
        string why = $"MatMul node '{node.Name}' multiplies activations whose channels do not line up";
        int[] batch = [.. sa.Where(x => x < r - 2)];
        bool pairedK = sa.Contains(r - 1);
        bool hasN = sb.Contains(r - 1);
        bool fits = r >= 3 && a.Shape?.Rank == r && b.Shape?.Rank == r
            && sa.All(x => x < r - 2 || x == r - 1) && sb.All(x => x < r - 2 || x >= r - 2)
            && batch.SequenceEqual(sb.Where(x => x < r - 2)) && pairedK == sb.Contains(r - 2)
            && batch.All(x => a.Shape![x].Value is long da && b.Shape![x].Value == da)
            && (batch.Length > 0 || hasN || pairedK);
        int[] outAxes = [.. batch, .. hasN ? new[] { r - 1 } : []];
        if (!fits || (outAxes.Length > 0 && !SlotsAt(y, outAxes, out _)))
        {
            FreezeIf(ta, a, why);
            FreezeIf(tb, b, why);
            FreezeIf(_offset.ContainsKey(y), y, why);
            return;
        }

        int heads = batch.Aggregate(1, (p, x) => p * (int)a.Shape![x].Value!.Value);
        int k = pairedK ? (int)a.Shape![r - 1].Value!.Value : 1;
        int n = hasN ? (int)b.Shape![r - 1].Value!.Value : 1;
        for (int h = 0; h < heads; h++)
        {
            for (int i = 0; i < k; i++)
            {
                for (int j = 0; j < n; j++)
                {
                    int bSlot = _offset[b] + (((h * k) + i) * n) + j;
                    if (ta)
                    {
                        Union(_offset[a] + (h * k) + i, bSlot);
                    }

                    if (outAxes.Length > 0)
                    {
                        Union(_offset[y] + (h * n) + j, bSlot);
                    }
                }
            }
        }
    }

    private void VisitConcat(Node node, Value y)
    {
        Value[] inputs = [.. node.Inputs.Select(v => v!)];
        if (!Slots(y, out int c) || inputs.Any(v => ConstantValues.IsFixed(v) || !Slots(v, out _)))
        {
            FreezeEach([.. inputs.Where(_offset.ContainsKey)], $"Concat node '{node.Name}' has constant or unknown-shape inputs");
            FreezeIf(_offset.ContainsKey(y), y, $"Concat node '{node.Name}' has constant or unknown-shape inputs");
            return;
        }

        long axis = node.GetInt("axis", 0);
        axis = axis < 0 ? axis + y.Shape!.Rank : axis;
        int offset = 0;
        foreach (Value x in inputs)
        {
            int xc = _count[x];
            for (int i = 0; i < xc; i++)
            {
                Union(_offset[x] + i, _offset[y] + (axis == 1 ? offset + i : i));
            }

            offset += xc;
        }
    }

    private void VisitPad(Node node, Value y)
    {
        Value x = node.Inputs[0]!;
        bool hasX = Slots(x, out int cin);
        bool hasY = Slots(y, out int cout);
        long[]? pads = PadAmounts(node);
        bool zero = node.GetString("mode", "constant") == "constant"
            && (node.Input(2) is not { } v || (ConstantValues.TryGet(v) is { } t && t.ToDoubles().All(d => d == 0)))
            && (node.GetFloat("value", 0) == 0);
        if (!hasX || !hasY || pads is null || !zero || node.Input(3) is not null)
        {
            FreezeIf(hasX, x, $"Pad node '{node.Name}' is not a constant zero pad");
            FreezeIf(hasY, y, $"Pad node '{node.Name}' is not a constant zero pad");
            return;
        }

        int rank = pads.Length / 2;
        long before = pads[1], after = pads[1 + rank];
        if (before < 0 || after < 0 || before + cin + after != cout)
        {
            FreezeAll(x, $"Pad node '{node.Name}' crops channels");
            FreezeAll(y, $"Pad node '{node.Name}' crops channels");
            return;
        }

        for (int i = 0; i < cout; i++)
        {
            if (i < before || i >= before + cin)
            {
                _zeroPad.Add(_offset[y] + i);
            }
            else
            {
                Union(_offset[x] + i - (int)before, _offset[y] + i);
            }
        }
    }

    private void VisitFlatten(Node node, Value y)
    {
        Value x = node.Inputs[0]!;
        if (node.OpType == "Reshape" && _axes.TryGetValue(x, out int[]? ax) && !ax.SequenceEqual([1]))
        {
            VisitHeadReshape(node, x, y, ax);
            return;
        }

        bool hasX = Slots(x, out int c);
        bool hasY = Slots(y, out int f);
        bool ok = hasX && hasY && x.Shape is { Rank: >= 2 } xs && y.Shape is { Rank: 2 }
            && xs.Dims.Skip(2).All(d => d.IsKnown) && f == c * xs.Dims.Skip(2).Aggregate(1L, (p, d) => p * d.Value!.Value)
            && (node.OpType == "Flatten" ? node.GetInt("axis", 1) == 1 : ReshapeTargetEditable(node));
        if (!ok)
        {
            FreezeIf(hasX, x, $"{node.OpType} node '{node.Name}' is not a flatten of [N,C,...] into [N,C·...]");
            FreezeIf(hasY, y, $"{node.OpType} node '{node.Name}' is not a flatten of [N,C,...] into [N,C·...]");
            return;
        }

        int block = f / c;
        for (int i = 0; i < f; i++)
        {
            Union(_offset[x] + (i / block), _offset[y] + i);
        }
    }

    /// <summary>
    /// A Reshape of channels on the last axis: [..., D] into [..., H, D/H] splits them into heads (each head's
    /// channels become one set, so whole heads go), [..., H, W] into [..., H·W] merges them back. The leading
    /// dimensions stay and the target holds positive sizes there (the merge may use -1), so the rewrite can write
    /// the kept counts.
    /// </summary>
    private void VisitHeadReshape(Node node, Value x, Value y, int[] ax)
    {
        long[]? target = ConstantValues.TryGetInts(node.Input(1));
        int rx = x.Shape?.Rank ?? 0, ry = y.Shape?.Rank ?? 0;
        bool lead(int n) => Enumerable.Range(0, n).All(i => x.Shape![i] == y.Shape![i]);
        int[]? ay = null;
        if (target is not null && target.Length == ry && node.GetInt("allowzero", 0) == 0)
        {
            if (ax.SequenceEqual([rx - 1]) && ry == rx + 1 && lead(rx - 1) && target[rx - 1] > 0 && target[rx] > 0
                && y.Shape![rx - 1].Value * y.Shape[rx].Value == x.Shape![rx - 1].Value)
            {
                ay = [rx - 1, rx];
            }
            else if (ax.SequenceEqual([rx - 2, rx - 1]) && ry == rx - 1 && lead(rx - 2) && (target[rx - 2] > 0 || target[rx - 2] == -1)
                && y.Shape![rx - 2].Value == x.Shape![rx - 2].Value * x.Shape[rx - 1].Value)
            {
                ay = [rx - 2];
            }
        }

        if (ay is null || !SlotsAt(y, ay, out int c) || c != _count[x])
        {
            FreezeAll(x, $"Reshape node '{node.Name}' is not a split of the last axis into heads or a merge of them");
            FreezeIf(_offset.ContainsKey(y), y, $"Reshape node '{node.Name}' is not a split of the last axis into heads or a merge of them");
            return;
        }

        int width = ay.Length == 2 ? (int)y.Shape![ry - 1].Value!.Value : 1;
        for (int i = 0; i < c; i++)
        {
            Union(_offset[x] + i, _offset[y] + i);
            Union(_offset[y] + (i / width * width), _offset[y] + i);
        }
    }

    /// <summary>
    /// Slice: channel i of the output is channel start + i of the input when the channel axis is sliced with step 1
    /// and constant bounds (the rewrite moves the bounds to the kept channels), or channel i when it is not sliced.
    /// </summary>
    private void VisitSlice(Node node, Value y)
    {
        Value x = node.Inputs[0]!;
        bool hasX = Slots(x, out int c);
        bool hasY = Slots(y, out int cy);
        int? start = hasX && hasY ? ChannelSlice(node, x.Shape!.Rank, c, cy)?.Start : null;
        if (start is null)
        {
            FreezeIf(hasX, x, $"Slice node '{node.Name}' slices the channel axis with a step other than 1 (or its bounds are not constant)");
            FreezeIf(hasY, y, $"Slice node '{node.Name}' slices the channel axis with a step other than 1 (or its bounds are not constant)");
            return;
        }

        for (int i = 0; i < cy; i++)
        {
            Union(_offset[x] + start.Value + i, _offset[y] + i);
        }
    }

    /// <summary>
    /// Where a Slice's output channels start in its input, and the position of the channel axis in its axes list
    /// (-1 when the channel axis is not among them, and the start is 0); the start is clamped as ONNX does for a
    /// step-1 slice with constant bounds. Null otherwise, or when the shapes disagree.
    /// </summary>
    internal static (int Start, int AxisIndex)? ChannelSlice(Node node, int rank, int c, int cy)
    {
        long[]? starts = node.Inputs.Count > 1 ? ConstantValues.TryGetInts(node.Input(1)) : node.GetInts("starts") is { } st ? [.. st] : null;
        long[]? ends = node.Inputs.Count > 1 ? ConstantValues.TryGetInts(node.Input(2)) : node.GetInts("ends") is { } en ? [.. en] : null;
        long[]? axes = node.Input(3) is { } a ? ConstantValues.TryGetInts(a)
            : node.Inputs.Count > 1 ? (starts is null ? null : [.. Enumerable.Range(0, starts.Length).Select(i => (long)i)])
            : node.GetInts("axes") is { } ax ? [.. ax] : (starts is null ? null : [.. Enumerable.Range(0, starts.Length).Select(i => (long)i)]);
        long[]? steps = node.Input(4) is { } sp ? ConstantValues.TryGetInts(sp) : null;
        if (starts is null || ends is null || axes is null || (node.Input(4) is not null && steps is null))
        {
            return null;
        }

        int at = Array.FindIndex(axes, v => (v < 0 ? v + rank : v) == 1);
        if (at < 0)
        {
            return c == cy ? (0, -1) : null;
        }

        if (node.Inputs.Count <= 1)
        {
            return null; // the attribute form (before opset 10) on the channel axis: not rewritten
        }

        if (steps is not null && steps[at] != 1)
        {
            return null;
        }

        long begin = Math.Clamp(starts[at] < 0 ? starts[at] + c : starts[at], 0, c);
        long end = Math.Clamp(ends[at] < 0 ? ends[at] + c : ends[at], 0, c);
        return end - begin == cy && cy > 0 ? ((int)begin, at) : null;
    }

    /// <summary>
    /// Split: along the channel axis, output j holds the input's channels from the sum of the earlier sizes on (the
    /// rewrite writes the kept sizes); along any other axis every output has all of them.
    /// </summary>
    private void VisitSplit(Node node)
    {
        Value x = node.Inputs[0]!;
        Value[] outputs = [.. node.Outputs.Select(v => v!)];
        bool hasX = Slots(x, out int c);
        int[] counts = new int[outputs.Length];
        bool known = hasX;
        for (int j = 0; j < outputs.Length && known; j++)
        {
            known = Slots(outputs[j], out counts[j]);
        }

        long axis = node.GetInt("axis", 0);
        axis = axis < 0 ? axis + (x.Shape?.Rank ?? 0) : axis;
        bool fits = known && (axis == 1 ? counts.Sum() == c : counts.All(n => n == c));
        if (!fits)
        {
            FreezeIf(hasX, x, $"Split node '{node.Name}' has outputs of unknown or mismatched channel counts");
            foreach (Value o in outputs.Where(_offset.ContainsKey))
            {
                FreezeAll(o, $"Split node '{node.Name}' has outputs of unknown or mismatched channel counts");
            }

            return;
        }

        int offset = 0;
        for (int j = 0; j < outputs.Length; j++)
        {
            for (int i = 0; i < counts[j]; i++)
            {
                Union(_offset[x] + (axis == 1 ? offset + i : i), _offset[outputs[j]] + i);
            }

            offset += axis == 1 ? counts[j] : 0;
        }
    }

    /// <summary>Pads as a constant int list (input 1 from opset 11, the attribute before), or null.</summary>
    internal static long[]? PadAmounts(Node node) =>
        node.Input(1) is { } p ? ConstantValues.TryGetInts(p) : node.GetInts("pads") is { } a ? [.. a] : null;

    private static bool ReshapeTargetEditable(Node node) =>
        ConstantValues.TryGetInts(node.Input(1)) is { Length: 2 } && node.GetInt("allowzero", 0) == 0;

    private static bool BiasFits(Value c, int n) =>
        c.Initializer!.Dims.Length == 0 || c.Initializer.Dims[^1] == 1 || c.Initializer.Dims[^1] == n;

    /// <summary>
    /// The axes of operand <paramref name="x"/> that broadcast onto <paramref name="y"/>'s channel axes
    /// <paramref name="axes"/> (-1 where x has unknown size there), or null when x is 1 along all of them.
    /// </summary>
    private static int[]? OperandAxes(Value x, Value y, int[] axes)
    {
        if (x.Shape is not { } xs)
        {
            return [-1];
        }

        int shift = y.Shape!.Rank - xs.Rank;
        int[] mapped = [.. axes.Select(a => a - shift)];
        if (mapped.All(a => a < 0 || xs[a].Value == 1))
        {
            return null;
        }

        return [.. mapped.Select(a => a >= 0 && xs[a].IsKnown ? a : -1)];
    }

    /// <summary>The number of channels <paramref name="v"/> has over <paramref name="axes"/>, or -1 when unknown.</summary>
    private static long ChannelCount(Value v, int[] axes) =>
        v.Shape is { } s && axes.All(a => a < s.Rank && s[a].IsKnown) ? axes.Aggregate(1L, (p, a) => p * s[a].Value!.Value) : -1;

    /// <summary>
    /// A constant operand goes with the channels when its size on the channel axis is 1 or the channel count (only
    /// 1, broadcast, when the channels span two axes).
    /// </summary>
    private static bool PerChannelConstantFits(Value constant, Value y, int[] axes)
    {
        long[] dims = [.. constant.Initializer!.Dims];
        int shift = y.Shape!.Rank - dims.Length;
        return axes.All(a => a - shift < 0 || dims[a - shift] == 1 || (axes.Length == 1 && dims[a - shift] == y.Shape[a].Value));
    }

    /// <summary>Gives <paramref name="v"/> its slots on axis 1 when its channel count is known; false when it is not.</summary>
    private bool Slots(Value v, out int channels) => SlotsAt(v, [1], out channels);

    /// <summary>
    /// Gives <paramref name="v"/> its slots over <paramref name="axes"/>; false when the count is unknown, or when v
    /// already has slots on other axes (then they freeze). A value first seen after its producer was visited is one
    /// that producer does not carry channels through: its slots start frozen.
    /// </summary>
    private bool SlotsAt(Value v, int[] axes, out int channels)
    {
        if (_count.TryGetValue(v, out channels))
        {
            if (_axes[v].SequenceEqual(axes))
            {
                return true;
            }

            FreezeAll(v, $"'{v.Name}' carries channels on axes [{string.Join(",", _axes[v])}] and [{string.Join(",", axes)}]");
            channels = 0;
            return false;
        }

        long c = v.Shape is { Rank: >= 2 } && axes.Length > 0 ? ChannelCount(v, axes) : -1;
        if (c <= 0 || c > 1 << 20)
        {
            channels = 0;
            return false;
        }

        channels = (int)c;
        _offset[v] = _parent.Count;
        _count[v] = channels;
        _axes[v] = axes;
        for (int i = 0; i < channels; i++)
        {
            _parent.Add(_parent.Count);
        }

        if (v.Producer is { } p && p != _visiting && _visiting is not null && !ConstantValues.IsFixed(v))
        {
            FreezeAll(v, $"{p.OpType} node '{p.Name}' does not carry the channels of '{v.Name}'");
        }

        return true;
    }

    private void FreezeIf(bool condition, Value v, string reason)
    {
        if (condition)
        {
            FreezeAll(v, reason);
        }
    }

    private void FreezeEach(IEnumerable<Value> values, string reason)
    {
        foreach (Value v in values)
        {
            FreezeAll(v, reason);
        }
    }

    private void FreezeAll(Value v, string reason)
    {
        if (!_offset.TryGetValue(v, out int o))
        {
            return;
        }

        for (int i = 0; i < _count[v]; i++)
        {
            _frozen.TryAdd(o + i, reason);
        }
    }

    /// <summary>Joins channel i of <paramref name="x"/> with channel i of <paramref name="y"/> for the first <paramref name="c"/>.</summary>
    private void JoinChannels(Value x, Value y, int c)
    {
        for (int i = 0; i < c; i++)
        {
            Union(_offset[x] + i, _offset[y] + i);
        }
    }

    private int Find(int i)
    {
        while (_parent[i] != i)
        {
            _parent[i] = _parent[_parent[i]];
            i = _parent[i];
        }

        return i;
    }

    private void Union(int a, int b)
    {
        int ra = Find(a), rb = Find(b);
        if (ra != rb)
        {
            _parent[Math.Max(ra, rb)] = Math.Min(ra, rb);
        }
    }

    private void Collect()
    {
        var members = new Dictionary<int, List<ChannelRef>>();
        var reasons = new Dictionary<int, string>();
        var producer = new HashSet<int>();
        var width = new Dictionary<int, int>();
        var heads = new HashSet<int>();
        foreach ((Value v, int o) in _offset.OrderBy(kv => kv.Value))
        {
            var perValue = new Dictionary<int, int>();
            for (int i = 0; i < _count[v]; i++)
            {
                int root = Find(o + i);
                if (!members.TryGetValue(root, out List<ChannelRef>? list))
                {
                    members[root] = list = [];
                }

                list.Add(new ChannelRef(v, i));
                if (_frozen.TryGetValue(o + i, out string? r))
                {
                    reasons.TryAdd(root, r);
                }

                if (_axes[v].Length == 2)
                {
                    heads.Add(root);
                }

                if (_producers.Contains(o + i))
                {
                    producer.Add(root);
                    perValue[root] = perValue.GetValueOrDefault(root) + 1;
                }
            }

            foreach ((int root, int n) in perValue)
            {
                width[root] = Math.Max(width.GetValueOrDefault(root), n);
            }
        }

        var groups = new List<ChannelGroup>();
        foreach ((int root, List<ChannelRef> list) in members)
        {
            if (producer.Contains(root))
            {
                groups.Add(new ChannelGroup(groups.Count, list, reasons.GetValueOrDefault(root), width[root], heads.Contains(root)));
            }
        }

        Groups = groups;
    }
}

/// <summary>Channel <see cref="Channel"/> of tensor <see cref="Value"/>.</summary>
public readonly record struct ChannelRef(Value Value, int Channel);

/// <summary>
/// Channels that are removed together. <see cref="FrozenReason"/> says why the set may not be pruned (null: it may).
/// <see cref="Family"/> names the tensors it spans: sets of the same layer share it, so a uniform ratio prunes
/// each family by the same share. <see cref="Width"/> is how many channels of one producer's output it holds: 1
/// for a Conv, Gemm or MatMul channel, the head width for an attention head.
/// </summary>
public sealed class ChannelGroup(int id, IReadOnlyList<ChannelRef> members, string? frozenReason, int width = 1, bool isHead = false)
{
    public int Width { get; } = width;

    /// <summary>Whether the set is an attention head (it spans a tensor split into heads).</summary>
    public bool IsHead { get; } = isHead;

    public int Id { get; } = id;

    public IReadOnlyList<ChannelRef> Members { get; } = members;

    public string? FrozenReason { get; } = frozenReason;

    public bool IsFrozen => FrozenReason is not null;

    public string Family { get; } = string.Join("|", members.Select(m => m.Value.Name).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal));

    public override string ToString() => $"group {Id}: {Members.Count} channels over {Members.Select(m => m.Value).Distinct().Count()} tensors";
}
