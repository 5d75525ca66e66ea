// Structured channel pruning: rank the channel groups, pick the ones to remove, and rewrite a smaller dense graph.
using Onnxc.GraphIR.Analysis;
using Onnxc.GraphIR.Verification;

namespace Onnxc.Passes.Pruning;

/// <summary>
/// Removes whole channel groups (see <see cref="ChannelGroups"/>) from a float model. The result is a dense
/// standard ONNX model with the same inputs and outputs: every producer loses its weight rows, every consumer its
/// weight columns, per-channel constants, BatchNormalization parameters, depthwise group counts, zero pads and
/// flatten targets shrink with them, and shapes are inferred again.
///
/// Equivalence: a removed channel's only effect on the outputs is through the consumers' weight columns that read
/// it (every other op it passes is per channel, and sets that reach anything else are frozen). So the pruned model
/// computes exactly what the original computes with those columns zeroed (<see cref="ZeroConsumers"/>) — the
/// check the tests make for every coupling kind.
/// </summary>
public static class ChannelPruner
{
    /// <summary>Prunes <paramref name="model"/> in place by <paramref name="options"/>; the model should be cleaned up (-O 2) first.</summary>
    public static PruningResult Prune(Model model, PruningOptions options)
    {
        options.Validate();
        ShapeInference.Run(model);
        MacCount before = MacCounter.Count(model.Graph);
        long paramsBefore = FloatParameters(model.Graph);
        ChannelGroups groups = ChannelGroups.Analyze(model.Graph);
        CheckExcludes(model.Graph, options.Exclude);
        if (groups.Groups.All(g => g.IsFrozen))
        {
            string why = groups.Groups.Count == 0 ? "it has no Conv, Gemm or MatMul with constant float32 weights"
                : $"every channel group is frozen (first: {groups.Groups[0].FrozenReason})";
            throw new PruningException($"nothing to prune: {why}");
        }

        double ratio;
        PruningPlan plan;
        if (options.Ratio is { } r)
        {
            ratio = r;
            plan = Plan(groups, options, r);
        }
        else
        {
            (ratio, Dictionary<string, int> keeps) = SearchMacs(model, options, before.Total);
            plan = FromKeeps(Rank(groups, options), keeps);
        }

        if (plan.Removed.Count == 0)
        {
            throw new PruningException(
                $"nothing to prune at ratio {ratio:0.###}: no layer has more than {Math.Max(options.MinChannels, options.ChannelMultiple)} channels to spare (lower --channel-multiple or --min-channels)");
        }

        Apply(model, groups, plan);
        MacCount after = MacCounter.Count(model.Graph);
        return new PruningResult(model, groups, plan, ratio, before, after, paramsBefore, FloatParameters(model.Graph));
    }

    /// <summary>Chooses the groups to remove at <paramref name="ratio"/>, per family (uniform) or across them (global).</summary>
    public static PruningPlan Plan(ChannelGroups groups, PruningOptions options, double ratio)
    {
        List<Family> families = Rank(groups, options);
        return FromKeeps(families, Keeps(families, options, ratio));
    }

    /// <summary>
    /// The prunable layers (channel families: the groups that share their tensors) left by <paramref name="options"/>'
    /// exclusions, with their channel counts, in graph order of their first channel. What
    /// <see cref="PruningSensitivity"/> prunes one at a time (<see cref="LayerPlan"/>).
    /// </summary>
    public static IReadOnlyList<(string Key, int Channels)> Layers(ChannelGroups groups, PruningOptions options) =>
        [.. Rank(groups, options).OrderBy(f => f.Ascending.Min(g => g.Id)).Select(f => (f.Key, f.Ascending.Length))];

    /// <summary>
    /// The plan that removes <paramref name="ratio"/> of layer <paramref name="key"/>'s channels and nothing else,
    /// rounded as <see cref="PruningOptions.ChannelMultiple"/> and the minimum say (empty when it has none to spare).
    /// </summary>
    public static PruningPlan LayerPlan(ChannelGroups groups, PruningOptions options, string key, double ratio)
    {
        List<Family> families = Rank(groups, options);
        Family layer = families.Single(f => f.Key == key);
        var keeps = families.ToDictionary(f => f.Key, f => f.Ascending.Length, StringComparer.Ordinal);
        keeps[key] = KeepCount(layer, 1 - ratio);
        return FromKeeps(families, keeps);
    }

    /// <summary>
    /// The prunable groups of one layer, least important first; <see cref="Normalised"/> divides by the layer's mean
    /// score. Kept counts are multiples of <see cref="Multiple"/> groups and at least <see cref="Floor"/>: the
    /// channel multiple and minimum in channels, so in whole heads where a group is a head.
    /// </summary>
    private sealed record Family(string Key, ChannelGroup[] Ascending, double[] Normalised, int Multiple, int Floor);

    private static List<Family> Rank(ChannelGroups groups, PruningOptions options)
    {
        var excluded = new HashSet<string>(options.Exclude, StringComparer.Ordinal);
        var families = new List<Family>();
        foreach (IGrouping<string, ChannelGroup> f in groups.Groups
            .Where(g => !g.IsFrozen && !g.Members.Any(m => IsExcluded(m.Value, excluded)))
            .GroupBy(g => g.Family, StringComparer.Ordinal))
        {
            (ChannelGroup Group, double Score)[] scored = [.. f.Select(g => (g, Importance(g, options))).OrderBy(p => p.Item2).ThenBy(p => p.g.Id)];
            double mean = scored.Average(p => p.Score);
            int width = f.Max(g => g.Width);
            int multiple = options.ChannelMultiple / (int)System.Numerics.BigInteger.GreatestCommonDivisor(options.ChannelMultiple, width);
            int floor = Math.Max(multiple, (options.MinChannels + width - 1) / width);
            families.Add(new Family(f.Key, [.. scored.Select(p => p.Group)], [.. scored.Select(p => mean > 0 ? p.Score / mean : 0)], multiple, floor));
        }

        return families;
    }

    /// <summary>Kept groups per family at <paramref name="ratio"/>: the same share of each (uniform) or the lowest normalised scores overall (global).</summary>
    private static Dictionary<string, int> Keeps(List<Family> families, PruningOptions options, double ratio)
    {
        var keeps = new Dictionary<string, int>(StringComparer.Ordinal);
        if (!options.Global)
        {
            foreach (Family f in families)
            {
                keeps[f.Key] = KeepCount(f, 1 - ratio);
            }

            return keeps;
        }

        int total = families.Sum(f => f.Ascending.Length);
        int target = (int)Math.Round(ratio * total);
        var dropped = families.SelectMany(f => f.Normalised.Select((score, i) => (f.Key, Score: score, Id: f.Ascending[i].Id)))
            .OrderBy(p => p.Score).ThenBy(p => p.Id).Take(target)
            .GroupBy(p => p.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        foreach (Family f in families)
        {
            int n = f.Ascending.Length;
            keeps[f.Key] = KeepCount(f, (double)(n - dropped.GetValueOrDefault(f.Key)) / n);
        }

        return keeps;
    }

    private static PruningPlan FromKeeps(List<Family> families, Dictionary<string, int> keeps) =>
        new([.. families.SelectMany(f => f.Ascending.Take(f.Ascending.Length - keeps.GetValueOrDefault(f.Key, f.Ascending.Length))).OrderBy(g => g.Id)]);

    /// <summary>
    /// The original with every consumer column that reads a removed channel set to zero: what the pruned model
    /// must compute. For tests and for <c>--verify</c>-style checks; <paramref name="groups"/> must be of <paramref name="model"/>.
    /// </summary>
    public static void ZeroConsumers(Model model, ChannelGroups groups, PruningPlan plan)
    {
        Graph graph = model.Graph;
        Dictionary<Value, bool[]> keep = KeepMasks(groups, plan);
        foreach (Node node in graph.Nodes.ToList())
        {
            Value? x = node.Inputs.Count > 0 ? node.Inputs[0] : null;
            if (x is null || !keep.TryGetValue(x, out bool[]? kx) || kx.All(k => k))
            {
                continue;
            }

            (int axis, Value w)? column = node.OpType switch
            {
                "Conv" when node.GetInt("group", 1) == 1 => (1, node.Input(1)!),
                "Gemm" => (node.GetInt("transB", 0) == 1 ? 1 : 0, node.Input(1)!),
                "MatMul" when node.Input(1)!.IsInitializer => (0, node.Input(1)!),
                _ => null,
            };
            if (column is { } c)
            {
                float[] data = c.w.Initializer!.ToFloats();
                long[] dims = [.. c.w.Initializer.Dims];
                ForEachIndex(dims, c.axis, (flat, i) =>
                {
                    if (!kx[i])
                    {
                        data[flat] = 0;
                    }
                });
                WriteParam(graph, node, node.Inputs.ToList().IndexOf(c.w), TensorData.FromFloats(dims, data));
            }
        }
    }

    /// <summary>Rewrites the graph without the planned groups, infers shapes again and verifies.</summary>
    public static void Apply(Model model, ChannelGroups groups, PruningPlan plan)
    {
        Graph graph = model.Graph;
        Dictionary<Value, bool[]> keep = KeepMasks(groups, plan);
        bool[]? Mask(Value? v) => v is not null && keep.TryGetValue(v, out bool[]? m) && !m.All(k => k) ? m : null;
        foreach (Node node in graph.Nodes.ToList())
        {
            Value? y = node.Outputs.Count > 0 ? node.Outputs[0] : null;
            bool[]? ky = Mask(y), kx = Mask(node.Inputs.Count > 0 ? node.Inputs[0] : null);
            if (ky is null && kx is null)
            {
                continue;
            }

            switch (node.OpType)
            {
                case "Conv":
                    RewriteConv(graph, node, kx, ky);
                    break;
                case "Gemm":
                    bool transB = node.GetInt("transB", 0) == 1;
                    SliceParam(graph, node, 1, transB ? [(0, ky), (1, kx)] : [(0, kx), (1, ky)]);
                    if (node.Input(2) is { } c && ky is not null && c.Initializer!.Dims.Length > 0 && c.Initializer.Dims[^1] == ky.Length)
                    {
                        SliceParam(graph, node, 2, [(c.Initializer.Dims.Length - 1, ky)]);
                    }

                    break;
                case "MatMul":
                    SliceParam(graph, node, 1, [(0, kx), (1, ky)]);
                    break;
                case "Pad":
                    RewritePad(graph, node, groups, ky!);
                    break;
                case "Slice" when kx is not null:
                    RewriteChannelSlice(graph, node, kx);
                    break;
                case "Split" when kx is not null:
                    RewriteChannelSplit(graph, node, keep);
                    break;
                case "Reshape":
                    RewriteReshapeTarget(graph, node, groups.Axes(y!)!, ky!);
                    break;
                case "BatchNormalization":
                case "InstanceNormalization":
                    for (int i = 1; i < node.Inputs.Count; i++)
                    {
                        SliceParam(graph, node, i, [(0, ky)]);
                    }

                    break;
                default:
                    for (int i = 0; i < node.Inputs.Count; i++)
                    {
                        if (ConstantValues.IsFixed(node.Inputs[i]) && ky is not null && groups.Axes(y!) is [int channelAxis])
                        {
                            long[] dims = [.. node.Inputs[i]!.Initializer!.Dims];
                            int axis = channelAxis - (y!.Shape!.Rank - dims.Length);
                            if (axis >= 0 && dims[axis] == ky.Length && ky.Length > 1)
                            {
                                SliceParam(graph, node, i, [(axis, ky)]);
                            }
                        }
                    }

                    break;
            }
        }

        // Shapes the graph declared or inferred before are stale now: clear every intermediate one and infer again.
        foreach (Value v in graph.Values.ToList())
        {
            if (v.Producer is not null && !v.IsGraphOutput)
            {
                Graph.SetType(v, null);
            }
        }

        ShapeInference.Run(model);
        foreach (Value v in graph.Initializers.Where(v => v.Uses.Count == 0 && ConstantValues.IsRemovable(v)).ToList())
        {
            graph.RemoveInitializer(v);
        }

        IReadOnlyList<VerifierError> errors = Verifier.Check(model);
        if (errors.Count > 0)
        {
            throw new InvalidOperationException($"pruning broke the model: {errors[0].Node?.ToString() ?? ""} {errors[0].Message}");
        }
    }

    private static void RewriteConv(Graph graph, Node node, bool[]? kx, bool[]? ky)
    {
        long group = node.GetInt("group", 1);
        if (group == 1)
        {
            SliceParam(graph, node, 1, [(0, ky), (1, kx)]);
        }
        else
        {
            // Grouped (depthwise too): whole groups go, so the weight [C_out, C_in/group, kh, kw] loses only rows.
            long perGroup = ky!.Length / group;
            SliceParam(graph, node, 1, [(0, ky)]);
            graph.SetAttribute(node, NodeAttribute.Of("group", ky.Count(k => k) / perGroup));
        }

        if (node.Input(2) is not null && ky is not null)
        {
            SliceParam(graph, node, 2, [(0, ky)]);
        }
    }

    /// <summary>
    /// A Reshape's target gets the kept count where its output's channels are: on the one channel axis (a flatten
    /// into features, a merge of heads; a -1 there is left to infer), or as kept heads when it splits into heads.
    /// </summary>
    private static void RewriteReshapeTarget(Graph graph, Node node, IReadOnlyList<int> axes, bool[] ky)
    {
        long[] target = ConstantValues.TryGetInts(node.Input(1))!;
        int kept = ky.Count(k => k);
        if (axes.Count == 2)
        {
            long width = target[axes[1]];
            if (kept % width != 0)
            {
                throw new InvalidOperationException($"node {node}: {kept} kept channels are not whole heads of {width}");
            }

            target[axes[0]] = kept / width;
        }
        else if (target[axes[0]] > 0)
        {
            target[axes[0]] = kept;
        }

        graph.SetInput(node, 1, graph.AddConstant(node.Input(1)!.Name, TensorData.FromInt64s([target.Length], target)));
    }

    /// <summary>A Slice on the channel axis reads the kept channels of its old range: its bounds move to them.</summary>
    private static void RewriteChannelSlice(Graph graph, Node node, bool[] kx)
    {
        int rank = node.Inputs[0]!.Shape!.Rank;
        int cy = node.Outputs[0]!.Shape![1].Value is long n ? (int)n : 0;
        if (ChannelGroups.ChannelSlice(node, rank, kx.Length, cy) is not (int begin, int at) || at < 0)
        {
            return; // the channel axis is not sliced: nothing to move
        }

        long newBegin = kx.Take(begin).Count(k => k);
        long newEnd = newBegin + kx.Skip(begin).Take(cy).Count(k => k);
        long[] starts = ConstantValues.TryGetInts(node.Input(1))!;
        long[] ends = ConstantValues.TryGetInts(node.Input(2))!;
        starts[at] = newBegin;
        ends[at] = newEnd;
        graph.SetInput(node, 1, graph.AddConstant(node.Input(1)!.Name, IndexTensor(node.Input(1)!, starts)));
        graph.SetInput(node, 2, graph.AddConstant(node.Input(2)!.Name, IndexTensor(node.Input(2)!, ends)));
    }

    /// <summary>An index list in the element type of the one it replaces (Slice's inputs share one type, int32 or int64).</summary>
    private static TensorData IndexTensor(Value like, long[] values) => like.ElementType == ElementType.Int32
        ? TensorData.FromInt32s([values.Length], [.. values.Select(v => (int)Math.Clamp(v, int.MinValue, int.MaxValue))])
        : TensorData.FromInt64s([values.Length], values);

    /// <summary>A Split on the channel axis gets the kept size of each output, as an input (opset 13+) or the attribute.</summary>
    private static void RewriteChannelSplit(Graph graph, Node node, Dictionary<Value, bool[]> keep)
    {
        long axis = node.GetInt("axis", 0);
        Value x = node.Inputs[0]!;
        if ((axis < 0 ? axis + x.Shape!.Rank : axis) != 1)
        {
            return;
        }

        long[] sizes = [.. node.Outputs.Select(o => keep.TryGetValue(o!, out bool[]? m) ? m.Count(k => k) : (long)o!.Shape![1].Value!.Value)];
        if ((graph.Model.OpsetVersion("") ?? 13) >= 13)
        {
            graph.RemoveAttribute(node, "num_outputs");
            graph.SetInput(node, 1, graph.AddConstant(node.Name + "_split", TensorData.FromInt64s([sizes.Length], sizes)));
        }
        else
        {
            graph.SetAttribute(node, NodeAttribute.Of("split", sizes));
        }
    }

    private static void RewritePad(Graph graph, Node node, ChannelGroups groups, bool[] ky)
    {
        long[] pads = ChannelGroups.PadAmounts(node)!;
        int rank = pads.Length / 2;
        long before = pads[1];
        long removedBefore = 0, removedAfter = 0;
        Value y = node.Outputs[0]!;
        for (int i = 0; i < ky.Length; i++)
        {
            if (!ky[i] && groups.IsPadChannel(y, i))
            {
                if (i < before)
                {
                    removedBefore++;
                }
                else
                {
                    removedAfter++;
                }
            }
        }

        pads[1] -= removedBefore;
        pads[1 + rank] -= removedAfter;
        if (node.Input(1) is not null)
        {
            graph.SetInput(node, 1, graph.AddConstant(node.Input(1)!.Name, TensorData.FromInt64s([pads.Length], pads)));
        }
        else
        {
            graph.SetAttribute(node, NodeAttribute.Of("pads", pads));
        }
    }

    /// <summary>Slices input <paramref name="index"/> of <paramref name="node"/> along each given axis by its mask (null: keep all).</summary>
    private static void SliceParam(Graph graph, Node node, int index, (int Axis, bool[]? Keep)[] cuts)
    {
        if (node.Input(index) is not { Initializer: { } data } || cuts.All(c => c.Keep is null))
        {
            return;
        }

        foreach ((int axis, bool[]? k) in cuts)
        {
            if (k is not null)
            {
                if (data.Dims[axis] != k.Length)
                {
                    throw new InvalidOperationException($"node {node}: input {index} has {data.Dims[axis]} entries on axis {axis}, the channels {k.Length}");
                }

                data = Slice(data, axis, k);
            }
        }

        WriteParam(graph, node, index, data);
    }

    /// <summary>Replaces the constant at input <paramref name="index"/>; a constant other nodes share gets a copy.</summary>
    private static void WriteParam(Graph graph, Node node, int index, TensorData data)
    {
        Value old = node.Input(index)!;
        if (old.Uses.Count == 1 && !old.IsGraphInput && !old.IsGraphOutput)
        {
            graph.SetInitializer(old, data);
        }
        else
        {
            graph.SetInput(node, index, graph.AddConstant(old.Name, data));
        }
    }

    internal static TensorData Slice(TensorData t, int axis, bool[] keep)
    {
        float[] src = t.ToFloats();
        long[] dims = [.. t.Dims];
        long outer = 1, inner = 1;
        for (int i = 0; i < axis; i++)
        {
            outer *= dims[i];
        }

        for (int i = axis + 1; i < dims.Length; i++)
        {
            inner *= dims[i];
        }

        int kept = keep.Count(k => k);
        var dst = new float[outer * kept * inner];
        long o = 0;
        for (long a = 0; a < outer; a++)
        {
            for (int c = 0; c < keep.Length; c++)
            {
                if (keep[c])
                {
                    Array.Copy(src, ((a * keep.Length) + c) * inner, dst, o, inner);
                    o += inner;
                }
            }
        }

        dims[axis] = kept;
        return TensorData.FromFloats(dims, dst);
    }

    /// <summary>Per tracked value, which channels stay.</summary>
    private static Dictionary<Value, bool[]> KeepMasks(ChannelGroups groups, PruningPlan plan)
    {
        var keep = new Dictionary<Value, bool[]>();
        foreach (ChannelGroup g in plan.Removed)
        {
            foreach (ChannelRef m in g.Members)
            {
                if (!keep.TryGetValue(m.Value, out bool[]? mask))
                {
                    keep[m.Value] = mask = [.. Enumerable.Repeat(true, groups.Channels(m.Value)!.Value)];
                }

                mask[m.Channel] = false;
            }
        }

        return keep;
    }

    /// <summary>How many of its groups a family keeps: the share, rounded to the family's multiple, at least its floor.</summary>
    private static int KeepCount(Family family, double share)
    {
        int n = family.Ascending.Length;
        if (n <= family.Floor)
        {
            return n;
        }

        int m = family.Multiple;
        int keep = (int)Math.Round(n * share / m, MidpointRounding.AwayFromZero) * m;
        return Math.Clamp(keep, family.Floor, n);
    }

    /// <summary>The group's importance by the criterion; see <see cref="PruningCriterion"/>.</summary>
    internal static double Importance(ChannelGroup group, PruningOptions options)
    {
        PruningCriterion criterion = options.Criterion;
        if (criterion == PruningCriterion.Taylor)
        {
            return Taylor(group, options.Gradients ?? throw new PruningException("the Taylor criterion needs the loss gradients (labelled --data)"));
        }

        double score = 0;
        bool sawScale = false;
        foreach (ChannelRef m in group.Members)
        {
            if (criterion == PruningCriterion.BatchNormScale && m.Value.Producer is { OpType: "BatchNormalization" } bn
                && bn.Input(1)?.Initializer is { } gamma)
            {
                score += Math.Abs(gamma.ToFloats()[m.Channel]);
                sawScale = true;
            }
        }

        if (sawScale)
        {
            return score;
        }

        foreach (ChannelRef m in group.Members)
        {
            foreach ((Value _, TensorData w, int axis) in Slices(m.Value))
            {
                score += SliceNorm(w, axis, m.Channel, criterion == PruningCriterion.L2);
            }
        }

        return score;
    }

    /// <summary>|Σ g·w| over every slice of every member: the first-order change of the loss if the group is zeroed.</summary>
    private static double Taylor(ChannelGroup group, IReadOnlyDictionary<string, float[]> gradients)
    {
        double sum = 0;
        foreach (ChannelRef m in group.Members)
        {
            foreach ((Value weight, TensorData w, int axis) in Slices(m.Value))
            {
                if (gradients.TryGetValue(weight.Name, out float[]? g) && g.Length == w.ElementCount)
                {
                    sum += SliceDots(gradients, weight.Name, w, g, axis)[m.Channel];
                }
            }
        }

        return Math.Abs(sum);
    }

    /// <summary>
    /// Σ g·w of every slice of a weight along <paramref name="axis"/>, once per (gradients, weight, axis): the copies
    /// the MAC search prunes hold the same weights under the same names.
    /// </summary>
    private static double[] SliceDots(IReadOnlyDictionary<string, float[]> gradients, string name, TensorData w, float[] g, int axis)
    {
        Dictionary<(string, int), double[]> table = DotTable.GetOrCreateValue(gradients);
        lock (table)
        {
            if (!table.TryGetValue((name, axis), out double[]? dots) || dots.Length != w.Dims[axis])
            {
                float[] data = w.ToFloats();
                dots = new double[w.Dims[axis]];
                double[] sums = dots;
                ForEachIndex([.. w.Dims], axis, (flat, i) => sums[i] += (double)g[flat] * data[flat]);
                table[(name, axis)] = dots;
            }

            return dots;
        }
    }

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<IReadOnlyDictionary<string, float[]>, Dictionary<(string, int), double[]>> DotTable = [];

    /// <summary>The weights with a slice for a channel of <paramref name="v"/>: its producer's rows and its consumers' columns.</summary>
    private static IEnumerable<(Value Name, TensorData Weight, int Axis)> Slices(Value v)
    {
        if (v.Producer is { } p && p.Outputs[0] == v)
        {
            switch (p.OpType)
            {
                case "Conv" when p.Input(1)?.Initializer is { } w:
                    yield return (p.Input(1)!, w, 0);
                    break;
                case "Gemm" when p.Input(1)?.Initializer is { } w:
                    yield return (p.Input(1)!, w, p.GetInt("transB", 0) == 1 ? 0 : 1);
                    break;
                case "MatMul" when p.Input(1)?.Initializer is { } w:
                    yield return (p.Input(1)!, w, 1);
                    break;
            }
        }

        foreach (Use u in v.Uses)
        {
            Node n = u.Node;
            if (u.InputIndex != 0 || n.Input(1)?.Initializer is not { } w)
            {
                continue;
            }

            switch (n.OpType)
            {
                case "Conv" when n.GetInt("group", 1) == 1:
                    yield return (n.Input(1)!, w, 1);
                    break;
                case "Gemm":
                    yield return (n.Input(1)!, w, n.GetInt("transB", 0) == 1 ? 1 : 0);
                    break;
                case "MatMul":
                    yield return (n.Input(1)!, w, 0);
                    break;
            }
        }
    }

    /// <summary>Mean |w| (or RMS) of every slice of <paramref name="w"/> along <paramref name="axis"/>, computed once per weight.</summary>
    private static double SliceNorm(TensorData w, int axis, int index, bool l2)
    {
        Dictionary<(int, bool), double[]> perWeight = NormTable.GetOrCreateValue(w);
        lock (perWeight)
        {
            if (!perWeight.TryGetValue((axis, l2), out double[]? norms))
            {
                float[] data = w.ToFloats();
                long[] dims = [.. w.Dims];
                var sums = new double[dims[axis]];
                ForEachIndex(dims, axis, (flat, i) => sums[i] += l2 ? (double)data[flat] * data[flat] : Math.Abs(data[flat]));
                double per = (double)data.Length / dims[axis];
                norms = [.. sums.Select(v => l2 ? Math.Sqrt(v / per) : v / per)];
                perWeight.Add((axis, l2), norms);
            }

            return norms[index];
        }
    }

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<TensorData, Dictionary<(int, bool), double[]>> NormTable = [];

    /// <summary>Calls <paramref name="visit"/>(flat index, index on <paramref name="axis"/>) for every element.</summary>
    private static void ForEachIndex(long[] dims, int axis, Action<long, int> visit)
    {
        long inner = 1, outer = 1;
        for (int i = axis + 1; i < dims.Length; i++)
        {
            inner *= dims[i];
        }

        for (int i = 0; i < axis; i++)
        {
            outer *= dims[i];
        }

        long n = dims[axis], flat = 0;
        for (long a = 0; a < outer; a++)
        {
            for (int c = 0; c < n; c++)
            {
                for (long b = 0; b < inner; b++)
                {
                    visit(flat++, c);
                }
            }
        }
    }

    /// <summary>
    /// Kept counts that remove at least <see cref="PruningOptions.FlopsReduction"/> of the MACs, overshooting as
    /// little as the channel multiple allows: a bisection on the ratio (on copies) finds the last ratio short of
    /// the goal; from there, one family at a time gives up one more multiple of channels — the family whose next
    /// channels are the least important, by normalised score — until the next such cut would meet the goal. The
    /// last cut is the one of all families' next cuts that meets the goal with the smallest reduction.
    /// </summary>
    private static (double Ratio, Dictionary<string, int> Keeps) SearchMacs(Model model, PruningOptions options, long macsBefore)
    {
        double goal = options.FlopsReduction!.Value;
        ChannelGroups groups = ChannelGroups.Analyze(model.Graph);
        List<Family> families = Rank(groups, options);
        double lo = 0, hi = 0.95;
        double most = ReductionAt(model, options, Keeps(families, options, hi), macsBefore);
        if (most < goal)
        {
            throw new PruningException($"--prune-flops {goal:0.###}: the prunable channels remove at most {most:0.###} of the MACs");
        }

        for (int step = 0; step < 12; step++)
        {
            double mid = (lo + hi) / 2;
            if (ReductionAt(model, options, Keeps(families, options, mid), macsBefore) >= goal)
            {
                hi = mid;
            }
            else
            {
                lo = mid;
            }
        }

        Dictionary<string, int> keeps = Keeps(families, options, lo);
        double reached = ReductionAt(model, options, keeps, macsBefore);
        while (reached < goal)
        {
            Family? next = null;
            double nextScore = double.PositiveInfinity;
            foreach (Family f in families)
            {
                int keep = keeps[f.Key], n = f.Ascending.Length;
                int cut = CutSize(keeps, f);
                if (cut <= 0)
                {
                    continue;
                }

                // The mean normalised score of the channels this step would add to the removed ones.
                double score = f.Normalised.Skip(n - keep).Take(cut).Average();
                if (score < nextScore)
                {
                    (next, nextScore) = (f, score);
                }
            }

            if (next is null)
            {
                return (hi, Keeps(families, options, hi));
            }

            Dictionary<string, int> after = Cut(keeps, next);
            reached = ReductionAt(model, options, after, macsBefore);
            if (reached >= goal)
            {
                // The last step: of the cuts that reach the goal, the one that overshoots it least (one family's
                // multiple can be a large share of the MACs when it spans every block of a stage).
                keeps = LeastOvershoot(model, options, families, keeps, macsBefore, goal, (next, reached)) ?? after;
                break;
            }

            keeps = after;
        }

        double removedShare = 1 - ((double)keeps.Values.Sum() / families.Sum(f => f.Ascending.Length));
        return (removedShare, keeps);
    }

    /// <summary>How many channels <paramref name="f"/>'s next cut removes: one multiple, down to its floor; 0 when it has none to spare.</summary>
    private static int CutSize(Dictionary<string, int> keeps, Family f) =>
        f.Ascending.Length <= f.Floor ? 0 : Math.Max(0, Math.Min(f.Multiple, keeps[f.Key] - f.Floor));

    /// <summary><paramref name="keeps"/> with <paramref name="f"/>'s next cut made.</summary>
    private static Dictionary<string, int> Cut(Dictionary<string, int> keeps, Family f) =>
        new(keeps) { [f.Key] = keeps[f.Key] - CutSize(keeps, f) };

    /// <summary>
    /// Of the single-family cuts from <paramref name="keeps"/> that reach <paramref name="goal"/>, the one with the
    /// smallest reduction; ties go to the family ranked first. Null when none reaches it. <paramref name="known"/>
    /// is a family whose cut's reduction the caller has measured already.
    /// </summary>
    private static Dictionary<string, int>? LeastOvershoot(
        Model model, PruningOptions options, List<Family> families, Dictionary<string, int> keeps, long macsBefore, double goal,
        (Family Family, double Reduction) known)
    {
        Dictionary<string, int>? best = null;
        double bestReduction = double.PositiveInfinity;
        foreach (Family f in families)
        {
            if (CutSize(keeps, f) <= 0)
            {
                continue;
            }

            Dictionary<string, int> after = Cut(keeps, f);
            double reduction = ReferenceEquals(f, known.Family) ? known.Reduction : ReductionAt(model, options, after, macsBefore);
            if (reduction >= goal && reduction < bestReduction)
            {
                (best, bestReduction) = (after, reduction);
            }
        }

        return best;
    }

    private static double ReductionAt(Model model, PruningOptions options, Dictionary<string, int> keeps, long macsBefore)
    {
        Model copy = Training.TrainingGraphBuilder.Clone(model);
        ShapeInference.Run(copy);
        ChannelGroups groups = ChannelGroups.Analyze(copy.Graph);
        PruningPlan plan = FromKeeps(Rank(groups, options), keeps);
        if (plan.Removed.Count == 0)
        {
            return 0;
        }

        Apply(copy, groups, plan);
        return 1 - ((double)MacCounter.Count(copy.Graph).Total / macsBefore);
    }

    private static bool IsExcluded(Value v, HashSet<string> excluded) =>
        excluded.Count > 0 && (excluded.Contains(v.Name) || (v.Producer is { } p && excluded.Contains(p.Name)));

    /// <summary>Every --prune-exclude name must be a node or a tensor of the graph (channel pruning and sparsity alike).</summary>
    internal static void CheckExcludes(Graph graph, IEnumerable<string> names)
    {
        foreach (string name in names)
        {
            if (graph.FindValue(name) is null && !graph.Nodes.Any(n => n.Name == name))
            {
                throw new PruningException($"--prune-exclude {name}: the model has no node or tensor of that name");
            }
        }
    }

    private static long FloatParameters(Graph graph) =>
        graph.Initializers.Where(v => v.Initializer!.ElementType == ElementType.Float).Sum(v => v.Initializer!.ElementCount);
}

/// <summary>The groups chosen for removal, in group order.</summary>
public sealed record PruningPlan(IReadOnlyList<ChannelGroup> Removed);

/// <summary>What pruning did: the groups, the plan, the ratio used, and the cost before and after.</summary>
public sealed record PruningResult(
    Model Model,
    ChannelGroups Groups,
    PruningPlan Plan,
    double Ratio,
    MacCount MacsBefore,
    MacCount MacsAfter,
    long ParametersBefore,
    long ParametersAfter)
{
    /// <summary>Human-readable lines: the totals, the channels per pruned tensor, and the frozen groups' reasons.</summary>
    public IEnumerable<string> Describe()
    {
        int frozen = Groups.Groups.Count(g => g.IsFrozen);
        yield return $"pruning: {Plan.Removed.Count} of {Groups.Groups.Count} channel groups removed (ratio {Ratio:0.###}); {frozen} frozen";
        int heads = Groups.Groups.Count(g => g.IsHead && !g.IsFrozen);
        if (heads > 0)
        {
            yield return $"attention heads: {Plan.Removed.Count(g => g.IsHead)} of {heads} removed (whole heads: their Q, K, V columns and output-projection rows)";
        }

        yield return $"MACs: {MacsBefore.Total:N0} -> {MacsAfter.Total:N0} ({(double)MacsBefore.Total / Math.Max(1, MacsAfter.Total):0.00}x fewer); "
            + $"parameters: {ParametersBefore:N0} -> {ParametersAfter:N0}";
        foreach (IGrouping<string, ChannelGroup> reason in Groups.Groups.Where(g => g.IsFrozen).GroupBy(g => g.FrozenReason!).OrderBy(r => r.Key, StringComparer.Ordinal))
        {
            yield return $"  frozen: {reason.Count()} group(s): {reason.Key}";
        }
    }
}
