// Propagation of shape values (small integer tensors, elements known or symbolic) through shape arithmetic.
using System.Collections.Immutable;

namespace Onnxc.GraphIR.Analysis;

internal sealed partial class ShapeInferrer
{
    /// <summary>
    /// Records the shape value of a node's first output when it follows from its inputs' shape values: the
    /// Shape/Gather/Unsqueeze/Concat/Cast chains PyTorch exports for view() and flatten(), the
    /// Reshape/Slice/Transpose chains it exports for F.pad, and integer arithmetic on known elements (x*1, x+0 and
    /// x/1 keep a symbol).
    /// </summary>
    private void PropagateValues(Node node)
    {
        if (node.Output(0) is not { } output)
        {
            return;
        }

        ShapeValue? result = node.OpType switch
        {
            "Shape" when ShapeOf(node.Input(0)) is { } s => ShapeValueOfShape(node, s),
            "Size" when ShapeOf(node.Input(0)) is { } s => ShapeValue.Scalar(Product(s.Dims)),
            "Constant" when ConstantNodeTensor(node) is { } t => FromTensor(t),
            "Identity" or "Cast" or "Floor" or "Ceil" or "Round" => ValueOf(node.Input(0)),
            "Gather" => GatherValue(node),
            "Unsqueeze" or "Squeeze" or "Reshape" or "Flatten" when ValueOf(node.Input(0)) is { } sv && output.Shape is { IsStatic: true } os
                && os.ElementCount == sv.Count => sv with { Dims = [.. os.ToArray()] },
            "Concat" => ConcatValue(node),
            "Slice" => SliceValue(node),
            "Transpose" => TransposeValue(node),
            "ConstantOfShape" => ConstantOfShapeValue(node),
            "Add" or "Sub" or "Mul" or "Div" or "Max" or "Min" or "Equal" or "Where" or "Neg" => ArithmeticValue(node),
            _ => null,
        };
        if (result is not null && result.Count <= ShapeValue.MaxItems)
        {
            _values[output] = result;
        }
    }

    private static ShapeValue ShapeValueOfShape(Node node, TensorShape s)
    {
        (int start, int end) = ShapeRange(node, s.Rank);
        return ShapeValue.Vector(s.Dims.Skip(start).Take(Math.Max(0, end - start)).Select(d => new Dim(d.Value, d.Param)));
    }

    private ShapeValue? GatherValue(Node node)
    {
        if (ValueOf(node.Input(0)) is not { IsVector: true } data || ConstData(node.Input(1)) is not { } idx
            || idx.ElementCount > ShapeValue.MaxItems || !IsIntegerData(idx))
        {
            return null;
        }

        var items = new List<Dim>();
        foreach (long i in ExactInts(idx))
        {
            long k = i < 0 ? i + data.Count : i;
            if (k < 0 || k >= data.Count)
            {
                return null;
            }

            items.Add(data.Items[(int)k]);
        }

        return new ShapeValue([.. items], idx.Dims);
    }

    private ShapeValue? ConcatValue(Node node)
    {
        var parts = new List<ShapeValue>();
        foreach (Value? v in node.Inputs)
        {
            if (ValueOf(v) is not { IsScalar: false } sv || (parts.Count > 0 && sv.Dims.Length != parts[0].Dims.Length))
            {
                return null;
            }

            parts.Add(sv);
        }

        if (parts.Count == 0)
        {
            return null;
        }

        int rank = parts[0].Dims.Length;
        int axis = Axis(Int(node, "axis", 0), rank);
        long outer = 1;
        for (int i = 0; i < axis; i++)
        {
            outer *= parts[0].Dims[i];
        }

        // Row-major: for each index over the axes before the concat axis, each part contributes one contiguous block.
        var items = new List<Dim>();
        for (long o = 0; o < outer; o++)
        {
            foreach (ShapeValue p in parts)
            {
                int block = (int)(p.Count / outer);
                items.AddRange(p.Items.Skip((int)(o * block)).Take(block));
            }
        }

        long[] dims = [.. parts[0].Dims];
        dims[axis] = parts.Sum(p => p.Dims[axis]);
        return new ShapeValue([.. items], [.. dims]);
    }

    private ShapeValue? SliceValue(Node node)
    {
        if (ValueOf(node.Input(0)) is not { IsScalar: false } data)
        {
            return null;
        }

        int rank = data.Dims.Length;
        long[]? starts = _opset < 10 ? Ints(node, "starts") : ConstInts(node.Input(1));
        long[]? ends = _opset < 10 ? Ints(node, "ends") : ConstInts(node.Input(2));
        long[]? axes = _opset < 10 ? Ints(node, "axes") : node.Input(3) is null ? null : ConstInts(node.Input(3));
        long[]? steps = _opset >= 10 && node.Input(4) is not null ? ConstInts(node.Input(4)) : null;
        if (starts is null || ends is null || starts.Length != ends.Length || (_opset >= 10 && node.Input(3) is not null && axes is null)
            || (_opset >= 10 && node.Input(4) is not null && steps is null))
        {
            return null;
        }

        // Per axis, the input indices the slice keeps.
        var kept = new List<long>[rank];
        for (int a = 0; a < rank; a++)
        {
            kept[a] = [.. Enumerable.Range(0, (int)data.Dims[a]).Select(i => (long)i)];
        }

        for (int i = 0; i < starts.Length; i++)
        {
            int a = Axis(axes is not null ? axes[i] : i, rank);
            long step = steps is not null ? steps[i] : 1;
            long n = data.Dims[a];
            var list = new List<long>();
            if (step > 0)
            {
                long s = Math.Clamp(starts[i] < 0 ? starts[i] + n : starts[i], 0, n);
                long e = Math.Clamp(ends[i] < 0 ? ends[i] + n : ends[i], 0, n);
                for (long k = s; k < e; k += step)
                {
                    list.Add(k);
                }
            }
            else if (step < 0)
            {
                long s = Math.Clamp(starts[i] < 0 ? starts[i] + n : starts[i], 0, n - 1);
                long e = Math.Clamp(ends[i] < 0 ? ends[i] + n : ends[i], -1, n - 1);
                for (long k = s; k > e; k += step)
                {
                    list.Add(k);
                }
            }
            else
            {
                return null;
            }

            kept[a] = list;
        }

        long[] outDims = [.. kept.Select(k => (long)k.Count)];
        return Remap(data, outDims, index => [.. index.Select((x, a) => kept[a][(int)x])]);
    }

    private ShapeValue? TransposeValue(Node node)
    {
        if (ValueOf(node.Input(0)) is not { IsScalar: false } data)
        {
            return null;
        }

        int rank = data.Dims.Length;
        long[] perm = Ints(node, "perm") ?? [.. Enumerable.Range(0, rank).Reverse().Select(i => (long)i)];
        if (perm.Length != rank)
        {
            return null;
        }

        long[] outDims = [.. perm.Select(p => data.Dims[(int)p])];
        return Remap(data, outDims, index =>
        {
            var source = new long[rank];
            for (int a = 0; a < rank; a++)
            {
                source[perm[a]] = index[a];
            }

            return source;
        });
    }

    /// <summary>Builds a value of <paramref name="outDims"/> whose element at each index is the source's element at <paramref name="sourceIndex"/>(index).</summary>
    private static ShapeValue Remap(ShapeValue data, long[] outDims, Func<long[], long[]> sourceIndex)
    {
        long count = outDims.Aggregate(1L, (a, b) => a * b);
        var items = new Dim[count];
        var index = new long[outDims.Length];
        for (long flat = 0; flat < count; flat++)
        {
            long rest = flat;
            for (int a = outDims.Length - 1; a >= 0; a--)
            {
                index[a] = rest % outDims[a];
                rest /= outDims[a];
            }

            long[] src = sourceIndex(index);
            long offset = 0;
            for (int a = 0; a < src.Length; a++)
            {
                offset = offset * data.Dims[a] + src[a];
            }

            items[flat] = data.Items[(int)offset];
        }

        return new ShapeValue([.. items], [.. outDims]);
    }

    private ShapeValue? ConstantOfShapeValue(Node node)
    {
        if (ConstInts(node.Input(0)) is not { } shape || shape.Any(d => d < 0))
        {
            return null;
        }

        long n = shape.Aggregate(1L, (a, b) => a * b);
        if (n > ShapeValue.MaxItems)
        {
            return null;
        }

        long fill = 0;
        if (node.Attribute("value") is { T: { } t })
        {
            if (FromTensor(t) is not { Count: 1 } fv || fv.Known is not [long f])
            {
                return null;
            }

            fill = f;
        }

        return ShapeValue.Of(Enumerable.Repeat(fill, (int)n), [.. shape]);
    }

    /// <summary>Elementwise integer arithmetic on shape values of one shape, broadcasting one-element operands.</summary>
    private ShapeValue? ArithmeticValue(Node node)
    {
        if (node.OpType == "Div" && node.Output(0)!.ElementType.IsFloatingPoint())
        {
            // Float division is not integer division: 7 / 2 would round here, and a later Ceil would be wrong.
            return null;
        }

        var operands = new List<ShapeValue>();
        foreach (Value? v in node.Inputs)
        {
            if (ValueOf(v) is not { } sv)
            {
                return null;
            }

            operands.Add(sv);
        }

        if (operands.Count == 0)
        {
            return null;
        }

        ShapeValue widest = operands.MaxBy(o => (o.Count, o.Dims.Length))!;
        if (operands.Any(o => o.Count != 1 && !o.Dims.SequenceEqual(widest.Dims)))
        {
            return null;
        }

        var items = ImmutableArray.CreateBuilder<Dim>(widest.Count);
        for (int i = 0; i < widest.Count; i++)
        {
            Dim[] args = [.. operands.Select(o => o.Items[o.Count == 1 ? 0 : i])];
            items.Add(Apply(node.OpType, args));
        }

        return new ShapeValue(items.MoveToImmutable(), widest.Dims);
    }

    private static Dim Apply(string op, Dim[] a)
    {
        if (op == "Where")
        {
            return a[0].Value is long c ? (c != 0 ? a[1] : a[2]) : Dim.Unknown;
        }

        if (op == "Neg")
        {
            return a[0].Value is long v ? -v : Dim.Unknown;
        }

        Dim x = a[0];
        Dim y = a.Length > 1 ? a[1] : Dim.Unknown;
        if (x.Value is long l && y.Value is long r)
        {
            return op switch
            {
                "Add" => l + r,
                "Sub" => l - r,
                "Mul" => l * r,
                "Div" when r != 0 => l / r,
                "Max" => Math.Max(l, r),
                "Min" => Math.Min(l, r),
                "Equal" => l == r ? 1 : 0,
                _ => Dim.Unknown,
            };
        }

        // Identities that keep a symbolic element.
        return op switch
        {
            "Mul" when y.Value == 1 => x,
            "Mul" when x.Value == 1 => y,
            "Add" when y.Value == 0 => x,
            "Add" when x.Value == 0 => y,
            "Sub" when y.Value == 0 => x,
            "Div" when y.Value == 1 => x,
            "Equal" when x.Param is not null && x.Param == y.Param => 1,
            _ => Dim.Unknown,
        };
    }
}
