// Inference for ops that rearrange shapes: Reshape, Flatten, Transpose, Squeeze/Unsqueeze, Concat, Split, Slice, Pad, reductions.
namespace Onnxc.GraphIR.Analysis;

internal sealed partial class ShapeInferrer
{
    private bool InferShapeOps(Node node, ElementType[] types, TensorShape?[] shapes)
    {
        TensorShape? x = ShapeOf(node.Input(0));
        switch (node.OpType)
        {
            case "Reshape":
                shapes[0] = ReshapeShape(node, x);
                return true;
            case "Flatten":
                if (x is not null)
                {
                    int axis = (int)Int(node, "axis", 1);
                    axis = axis < 0 ? axis + x.Rank : axis;
                    shapes[0] = axis >= 0 && axis <= x.Rank ? new TensorShape([Product(x.Dims.Take(axis)), Product(x.Dims.Skip(axis))]) : null;
                }

                return true;
            case "Transpose":
                if (x is not null)
                {
                    long[] perm = Ints(node, "perm") ?? [.. Enumerable.Range(0, x.Rank).Reverse().Select(i => (long)i)];
                    shapes[0] = perm.Length == x.Rank ? Shape(perm.Select(p => x[Axis(p, x.Rank)])) : null;
                }

                return true;
            case "Squeeze":
                shapes[0] = SqueezeShape(x, _opset >= 13 ? ConstInts(node.Input(1)) : Ints(node, "axes"), node.Input(1) is not null || node.Attribute("axes") is not null);
                return true;
            case "Unsqueeze":
                shapes[0] = UnsqueezeShape(x, _opset >= 13 ? ConstInts(node.Input(1)) : Ints(node, "axes"));
                return true;
            case "Concat":
                shapes[0] = ConcatShape(node);
                return true;
            case "Split":
                InferSplit(node, x, shapes);
                return true;
            case "Slice":
                shapes[0] = SliceShape(node, x);
                return true;
            case "Pad":
                shapes[0] = PadShape(node, x);
                return true;
            case "ArgMax" or "ArgMin":
                shapes[0] = x is null ? null : ReduceShape(x, [Int(node, "axis", 0)], Int(node, "keepdims", 1) != 0);
                return true;
            case "ReduceMean" or "ReduceSum" or "ReduceMax" or "ReduceMin" or "ReduceProd" or "ReduceL1" or "ReduceL2"
                or "ReduceLogSum" or "ReduceLogSumExp" or "ReduceSumSquare":
                shapes[0] = ReductionShape(node, x);
                return true;
            case "DepthToSpace" or "SpaceToDepth":
                shapes[0] = DepthSpaceShape(node, x);
                return true;
            default:
                return false;
        }
    }

    /// <summary>The product of dims: a number when all are known, the dim itself when there is one, else unknown.</summary>
    private static Dim Product(IEnumerable<Dim> dims)
    {
        var list = dims.ToList();
        if (list.Count == 1)
        {
            return list[0];
        }

        long p = 1;
        foreach (Dim d in list)
        {
            if (d.Value is not long v)
            {
                return Dim.Unknown;
            }

            p = checked(p * v);
        }

        return p;
    }

    /// <summary>
    /// Reshape: 0 copies the input dim (unless allowzero), -1 takes what is left. The -1 is solved with symbols:
    /// the input's symbolic dims that the target repeats cancel, so [N,3,4] to [N,-1] gives [N,12].
    /// </summary>
    private TensorShape? ReshapeShape(Node node, TensorShape? x)
    {
        ShapeValue? target = _opset < 5
            ? Ints(node, "shape") is { } attr ? ShapeValue.Of(attr, [attr.Length]) : null
            : ValueOf(node.Input(1)) is { IsVector: true } tv ? tv : ConstInts(node.Input(1)) is { } c ? ShapeValue.Of(c, [c.Length]) : null;
        if (target is null)
        {
            return ShapeOf(node.Input(1)) is { Rank: 1 } s && s[0].Value is long r ? Shape(Enumerable.Repeat(Dim.Unknown, (int)r)) : null;
        }

        bool allowZero = Int(node, "allowzero", 0) != 0;
        var dims = new Dim[target.Count];
        int inferAt = -1;
        for (int i = 0; i < dims.Length; i++)
        {
            Dim t = target.Items[i];
            if (t.Value == 0 && !allowZero)
            {
                dims[i] = x is not null && i < x.Rank ? x[i] : Dim.Unknown;
            }
            else if (t.Value == -1)
            {
                inferAt = i;
            }
            else
            {
                dims[i] = t;
            }
        }

        if (inferAt >= 0)
        {
            dims[inferAt] = x is null ? Dim.Unknown : SolveRemaining(x, dims, inferAt);
        }

        return new TensorShape([.. dims]);
    }

    private static Dim SolveRemaining(TensorShape x, Dim[] dims, int inferAt)
    {
        long known = 1;
        var symbols = new List<string>();
        foreach (Dim d in x.Dims)
        {
            if (d.Value is long v)
            {
                known = checked(known * v);
            }
            else if (d.Param is { } p)
            {
                symbols.Add(p);
            }
            else
            {
                return Dim.Unknown;
            }
        }

        long other = 1;
        for (int i = 0; i < dims.Length; i++)
        {
            if (i == inferAt)
            {
                continue;
            }

            if (dims[i].Value is long v)
            {
                other = checked(other * v);
            }
            else if (dims[i].Param is { } p && symbols.Remove(p))
            {
                continue;
            }
            else
            {
                return Dim.Unknown;
            }
        }

        if (symbols.Count == 0)
        {
            return other != 0 && known % other == 0 ? known / other : Dim.Unknown;
        }

        return symbols.Count == 1 && known == other ? Dim.Symbol(symbols[0]) : Dim.Unknown;
    }

    private static TensorShape? SqueezeShape(TensorShape? x, long[]? axes, bool hasAxes)
    {
        if (x is null || (hasAxes && axes is null))
        {
            return null;
        }

        if (axes is null || axes.Length == 0)
        {
            return x.Dims.All(d => d.IsKnown) ? Shape(x.Dims.Where(d => d.Value != 1)) : null;
        }

        var drop = axes.Select(a => Axis(a, x.Rank)).ToHashSet();
        return Shape(x.Dims.Where((_, i) => !drop.Contains(i)));
    }

    private static TensorShape? UnsqueezeShape(TensorShape? x, long[]? axes)
    {
        if (x is null || axes is null)
        {
            return null;
        }

        int rank = x.Rank + axes.Length;
        var insert = axes.Select(a => Axis(a, rank)).ToHashSet();
        var dims = new Dim[rank];
        int src = 0;
        for (int i = 0; i < rank; i++)
        {
            dims[i] = insert.Contains(i) ? Dim.Of(1) : x[src++];
        }

        return new TensorShape([.. dims]);
    }

    private static TensorShape? ConcatShape(Node node)
    {
        var inputs = node.Inputs.Where(v => v is not null).Select(ShapeOf).ToList();
        if (inputs.Count == 0 || inputs.Any(s => s is null))
        {
            return null;
        }

        int rank = inputs[0]!.Rank;
        if (inputs.Any(s => s!.Rank != rank) || rank == 0)
        {
            return null;
        }

        int axis = Axis(Int(node, "axis", rank == 1 ? 0 : 1), rank);
        var dims = new Dim[rank];
        for (int i = 0; i < rank; i++)
        {
            if (i == axis)
            {
                long sum = 0;
                bool known = true;
                foreach (TensorShape? s in inputs)
                {
                    if (s![i].Value is long v)
                    {
                        sum += v;
                    }
                    else
                    {
                        known = false;
                    }
                }

                dims[i] = known ? sum : Dim.Unknown;
            }
            else
            {
                // Non-axis dims must agree: take the most specific one any input states.
                dims[i] = inputs.Select(s => s![i]).OrderBy(d => d.IsKnown ? 0 : d.Param is not null ? 1 : 2).First();
            }
        }

        return new TensorShape([.. dims]);
    }

    private void InferSplit(Node node, TensorShape? x, TensorShape?[] shapes)
    {
        if (x is null || x.Rank == 0)
        {
            return;
        }

        int axis = Axis(Int(node, "axis", 0), x.Rank);
        long[]? split = _opset >= 13 || node.Input(1) is not null ? ConstInts(node.Input(1)) : Ints(node, "split");
        if (split is null && (_opset >= 13 ? node.Input(1) is not null : node.Attribute("split") is not null))
        {
            return;
        }

        int n = shapes.Length;
        if (split is null && x[axis].Value is long total)
        {
            long chunk = node.Attribute("num_outputs") is not null ? CeilDiv(total, n) : total % n == 0 ? total / n : -1;
            if (chunk >= 0)
            {
                split = [.. Enumerable.Range(0, n).Select(i => i < n - 1 ? chunk : total - chunk * (n - 1))];
            }
        }

        for (int i = 0; i < n; i++)
        {
            Dim d = split is not null && i < split.Length ? split[i] : Dim.Unknown;
            shapes[i] = Shape(x.Dims.Select((old, j) => j == axis ? d : old));
        }
    }

    private TensorShape? SliceShape(Node node, TensorShape? x)
    {
        if (x is null)
        {
            return null;
        }

        long[]? starts, ends, axes, steps;
        if (_opset < 10)
        {
            starts = Ints(node, "starts");
            ends = Ints(node, "ends");
            axes = Ints(node, "axes");
            steps = null;
        }
        else
        {
            starts = ConstInts(node.Input(1));
            ends = ConstInts(node.Input(2));
            axes = node.Input(3) is null ? null : ConstInts(node.Input(3));
            steps = node.Input(4) is null ? null : ConstInts(node.Input(4));
            if ((node.Input(3) is not null && axes is null) || (node.Input(4) is not null && steps is null))
            {
                return SameRankUnknown(x, null);
            }
        }

        if (starts is null || ends is null || starts.Length != ends.Length)
        {
            return SameRankUnknown(x, axes);
        }

        var dims = x.Dims.ToArray();
        for (int i = 0; i < starts.Length; i++)
        {
            int axis = Axis(axes is not null ? axes[i] : i, x.Rank);
            long step = steps is not null ? steps[i] : 1;
            dims[axis] = SliceDim(x[axis], starts[i], ends[i], step);
        }

        return new TensorShape([.. dims]);
    }

    /// <summary>Rank is kept; the sliced axes (all, when not known) become unknown.</summary>
    private static TensorShape SameRankUnknown(TensorShape x, long[]? axes)
    {
        HashSet<int>? sliced = axes?.Select(a => Axis(a, x.Rank)).ToHashSet();
        return Shape(x.Dims.Select((d, i) => sliced is null || sliced.Contains(i) ? Dim.Unknown : d));
    }

    /// <summary>The length of one sliced axis with ONNX's clamping of start and end (negative values count from the end).</summary>
    internal static Dim SliceDim(Dim dim, long start, long end, long step)
    {
        if (step == 0)
        {
            throw new ArgumentException("slice step 0");
        }

        if (dim.Value is not long size)
        {
            // Whole-axis slices keep even a symbolic dim.
            return start == 0 && step == 1 && end >= int.MaxValue ? dim : Dim.Unknown;
        }

        if (step > 0)
        {
            long s = Math.Clamp(start < 0 ? start + size : start, 0, size);
            long e = Math.Clamp(end < 0 ? end + size : end, 0, size);
            return Math.Max(0, CeilDiv(e - s, step));
        }

        long s2 = Math.Clamp(start < 0 ? start + size : start, 0, size - 1);
        long e2 = Math.Clamp(end < 0 ? end + size : end, -1, size - 1);
        return Math.Max(0, CeilDiv(s2 - e2, -step));
    }

    private TensorShape? PadShape(Node node, TensorShape? x)
    {
        if (x is null)
        {
            return null;
        }

        long[]? pads = _opset < 11 ? Ints(node, "pads") ?? Ints(node, "paddings") : ConstInts(node.Input(1));
        long[]? axes = _opset >= 18 && node.Input(3) is not null ? ConstInts(node.Input(3)) : null;
        if (pads is null || (_opset >= 18 && node.Input(3) is not null && axes is null))
        {
            return SameRankUnknown(x, axes);
        }

        int[] padAxes = axes is null ? [.. Enumerable.Range(0, x.Rank)] : [.. axes.Select(a => Axis(a, x.Rank))];
        if (pads.Length != 2 * padAxes.Length)
        {
            return null;
        }

        var dims = x.Dims.ToArray();
        for (int i = 0; i < padAxes.Length; i++)
        {
            int a = padAxes[i];
            long extra = pads[i] + pads[i + padAxes.Length];
            dims[a] = extra == 0 ? dims[a] : dims[a].Value is long v ? v + extra : Dim.Unknown;
        }

        return new TensorShape([.. dims]);
    }

    /// <summary>Reductions: axes as attribute before opset 18 (ReduceSum: 13), as input after; empty axes reduce all unless noop_with_empty_axes.</summary>
    private TensorShape? ReductionShape(Node node, TensorShape? x)
    {
        if (x is null)
        {
            return null;
        }

        bool keep = Int(node, "keepdims", 1) != 0;
        bool axesAsInput = _opset >= (node.OpType == "ReduceSum" ? 13 : 18);
        long[]? axes = axesAsInput ? node.Input(1) is null ? [] : ConstInts(node.Input(1)) : Ints(node, "axes") ?? [];
        if (axes is null)
        {
            return keep ? Shape(x.Dims.Select(_ => Dim.Unknown)) : null;
        }

        if (axes.Length == 0)
        {
            if (axesAsInput && Int(node, "noop_with_empty_axes", 0) != 0)
            {
                return x;
            }

            axes = [.. Enumerable.Range(0, x.Rank).Select(i => (long)i)];
        }

        return ReduceShape(x, axes, keep);
    }

    private static TensorShape ReduceShape(TensorShape x, long[] axes, bool keep)
    {
        var reduced = axes.Select(a => Axis(a, x.Rank)).ToHashSet();
        var dims = new List<Dim>();
        for (int i = 0; i < x.Rank; i++)
        {
            if (!reduced.Contains(i))
            {
                dims.Add(x[i]);
            }
            else if (keep)
            {
                dims.Add(1);
            }
        }

        return Shape(dims);
    }

    private static TensorShape? DepthSpaceShape(Node node, TensorShape? x)
    {
        if (x is not { Rank: 4 } || node.Attribute("blocksize") is not { Kind: AttributeKind.Int } bs)
        {
            return null;
        }

        long b = bs.I;
        Dim Scale(Dim d, bool up) => d.Value is long v ? (up ? v * b : v / b) : Dim.Unknown;
        Dim C(Dim d, bool up) => d.Value is long v ? (up ? v * b * b : v / (b * b)) : Dim.Unknown;
        bool toSpace = node.OpType == "DepthToSpace";
        return new TensorShape([x[0], C(x[1], !toSpace), Scale(x[2], toSpace), Scale(x[3], toSpace)]);
    }
}
