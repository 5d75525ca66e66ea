// Which channels of a float graph must be removed together: union-find over (tensor, channel) through every op.
using Onnxc.GraphIR.Analysis;

namespace Onnxc.Passes.Pruning;

/// <summary>
/// The channel dependency groups of a graph. Every value with a channel axis (axis 1: NCHW activations and [N,F]
/// features) gets one slot per channel; ops join slots that must go together:
/// <list type="bullet">
/// <item>elementwise and per-channel ops (Relu, Clip, BatchNormalization, pools, Dropout, ...) join output c with input c;</item>
/// <item>Add/Sub/Mul/Div/Max/Min join every operand that carries the channel (a residual Add makes both branches one set);
/// a per-channel constant operand is sliced with them;</item>
/// <item>a depthwise Conv (group = channels) joins output c with input c, its group count shrinks with them;</item>
/// <item>Concat on the channel axis joins output offset+c with input c; on another axis it is elementwise;</item>
/// <item>a zero Pad on the channel axis joins output before+c with input c, and its padded channels are zeros
/// that only shrink the pad;</item>
/// <item>Flatten or Reshape from [N,C,H,W] to [N,C·H·W] joins feature c·H·W+i with channel c (a block per channel);</item>
/// <item>Conv (group 1), Gemm and MatMul with constant weights start new sets: their output channels are
/// <em>producers</em> (weight rows), their input channels <em>consumers</em> (weight columns).</item>
/// </list>
/// A set that reaches a graph input or output, an op without a rule, a value of unknown channel count or a
/// channel-axis Slice is frozen, with the reason kept. Only sets with at least one producer are candidates.
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

    private static readonly HashSet<string> Binary = ["Add", "Sub", "Mul", "Div", "Max", "Min", "Sum"];

    private readonly Dictionary<Value, int> _offset = [];
    private readonly Dictionary<Value, int> _count = [];
    private readonly List<int> _parent = [];
    private readonly Dictionary<int, string> _frozen = [];
    private readonly HashSet<int> _producers = [];
    private readonly HashSet<int> _zeroPad = [];

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
            Visit(node);
        }

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
        }

        if (Passthrough.Contains(node.OpType) || Binary.Contains(node.OpType))
        {
            if (!Slots(y, out int c))
            {
                FreezeEach(carried, $"meets {node.OpType} node '{node.Name}' of unknown output shape");
                return;
            }

            foreach (Value x in node.Inputs.Where(v => v is not null).Select(v => v!))
            {
                if (ConstantValues.IsFixed(x))
                {
                    if (!PerChannelConstantFits(x, y, c))
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

                int xc = ChannelDimOf(x, y);
                if (xc == 1)
                {
                    continue;
                }

                if (xc != c || !Slots(x, out _))
                {
                    FreezeAll(y, $"{node.OpType} node '{node.Name}': operand '{x.Name}' does not line up channel by channel");
                    if (_offset.ContainsKey(x))
                    {
                        FreezeAll(x, $"{node.OpType} node '{node.Name}': operand '{x.Name}' does not line up channel by channel");
                    }

                    continue;
                }

                for (int i = 0; i < c; i++)
                {
                    Union(_offset[x] + i, _offset[y] + i);
                }
            }

            foreach (Value extra in node.Outputs.Skip(1).OfType<Value>().Where(v => v.Uses.Count > 0))
            {
                FreezeAll(y, $"{node.OpType} node '{node.Name}' has a used second output '{extra.Name}'");
            }

            return;
        }

        FreezeEach(carried, reason);
        foreach (Value o in node.Outputs.Where(v => v is not null && _offset.ContainsKey(v)).Select(v => v!))
        {
            FreezeAll(o, reason);
        }
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

        if (group == cin && cout == cin)
        {
            for (int i = 0; i < cin; i++)
            {
                Union(_offset[x] + i, _offset[y] + i);
                _producers.Add(_offset[y] + i);
            }

            return;
        }

        FreezeAll(x, $"grouped Conv node '{node.Name}' (group {group} of {cin} channels) is not depthwise");
        FreezeAll(y, $"grouped Conv node '{node.Name}' (group {group} of {cin} channels) is not depthwise");
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

    private void VisitMatMul(Node node, Value y)
    {
        Value a = node.Inputs[0]!;
        bool hasA = Slots(a, out _);
        bool hasY = Slots(y, out int n);
        bool ok = a.Shape is { Rank: 2 } && ConstantValues.IsFixed(node.Input(1)) && node.Input(1)!.Initializer!.Dims.Length == 2
            && node.Input(1)!.Initializer!.ElementType == ElementType.Float;
        if (!ok || !hasA || !hasY)
        {
            string why = $"MatMul node '{node.Name}' is not [N,K]×constant [K,N]";
            FreezeIf(hasA, a, why);
            FreezeIf(hasY, y, why);
            return;
        }

        for (int i = 0; i < n; i++)
        {
            _producers.Add(_offset[y] + i);
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

    /// <summary>The size of <paramref name="x"/>'s dimension that broadcasts onto <paramref name="y"/>'s axis 1.</summary>
    private static int ChannelDimOf(Value x, Value y)
    {
        int rankY = y.Shape!.Rank;
        if (x.Shape is not { } xs)
        {
            return -1;
        }

        int axis = 1 - (rankY - xs.Rank);
        return axis < 0 ? 1 : xs[axis].Value is long v ? (int)v : -1;
    }

    /// <summary>A constant operand goes with the channels when its dimension on the channel axis is 1 or C.</summary>
    private static bool PerChannelConstantFits(Value constant, Value y, int c)
    {
        long[] dims = [.. constant.Initializer!.Dims];
        int axis = 1 - (y.Shape!.Rank - dims.Length);
        return axis < 0 || dims[axis] == 1 || dims[axis] == c;
    }

    /// <summary>Gives <paramref name="v"/> its slots when its channel count is known; false when it is not.</summary>
    private bool Slots(Value v, out int channels)
    {
        if (_count.TryGetValue(v, out channels))
        {
            return true;
        }

        if (v.Shape is not { Rank: >= 2 } s || s[1].Value is not long c || c <= 0 || c > 1 << 20)
        {
            channels = 0;
            return false;
        }

        channels = (int)c;
        _offset[v] = _parent.Count;
        _count[v] = channels;
        for (int i = 0; i < channels; i++)
        {
            _parent.Add(_parent.Count);
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
        foreach ((Value v, int o) in _offset.OrderBy(kv => kv.Value))
        {
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

                if (_producers.Contains(o + i))
                {
                    producer.Add(root);
                }
            }
        }

        var groups = new List<ChannelGroup>();
        foreach ((int root, List<ChannelRef> list) in members)
        {
            if (producer.Contains(root))
            {
                groups.Add(new ChannelGroup(groups.Count, list, reasons.GetValueOrDefault(root)));
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
/// each family by the same share.
/// </summary>
public sealed class ChannelGroup(int id, IReadOnlyList<ChannelRef> members, string? frozenReason)
{
    public int Id { get; } = id;

    public IReadOnlyList<ChannelRef> Members { get; } = members;

    public string? FrozenReason { get; } = frozenReason;

    public bool IsFrozen => FrozenReason is not null;

    public string Family { get; } = string.Join("|", members.Select(m => m.Value.Name).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal));

    public override string ToString() => $"group {Id}: {Members.Count} channels over {Members.Select(m => m.Value).Distinct().Count()} tensors";
}
