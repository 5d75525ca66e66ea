// Propagation of shape values (small integer tensors, elements known or symbolic) through shape arithmetic.
using System.Collections.Immutable;

namespace Onnxc.GraphIR.Analysis;

internal sealed partial class ShapeInferrer
{
    /// <summary>
    /// Records the shape value of a node's first output when it follows from its inputs' shape values: the
    /// Shape/Gather/Unsqueeze/Concat/Cast chains PyTorch exports for view() and flatten(), and integer arithmetic on
    /// known elements (x*1, x+0 and x/1 keep a symbol).
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
            "Size" when ShapeOf(node.Input(0)) is { } s => new ShapeValue([Product(s.Dims)], true),
            "Constant" when ConstantNodeTensor(node) is { } t => FromTensor(t),
            "Identity" or "Cast" or "Floor" or "Ceil" or "Round" => ValueOf(node.Input(0)),
            "Gather" => GatherValue(node),
            "Unsqueeze" when ValueOf(node.Input(0)) is { IsScalar: true } sv => sv with { IsScalar = false },
            "Squeeze" when ValueOf(node.Input(0)) is { IsScalar: false, Count: 1 } sv => sv with { IsScalar = true },
            "Reshape" when ValueOf(node.Input(0)) is { } sv && ConstInts(node.Input(1)) is { } target => ReshapeValue(sv, target),
            "Concat" => ConcatValue(node),
            "Slice" => SliceValue(node),
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
        return new ShapeValue([.. s.Dims.Skip(start).Take(Math.Max(0, end - start)).Select(d => new Dim(d.Value, d.Param))], false);
    }

    private ShapeValue? GatherValue(Node node)
    {
        if (ValueOf(node.Input(0)) is not { IsScalar: false } data || ConstData(node.Input(1)) is not { } idx || idx.Dims.Length > 1
            || Int(node, "axis", 0) is not (0 or -1) || !IsIntegerData(idx))
        {
            return null;
        }

        var items = new List<Dim>();
        foreach (long i in idx.ToInt64s())
        {
            long k = i < 0 ? i + data.Count : i;
            if (k < 0 || k >= data.Count)
            {
                return null;
            }

            items.Add(data.Items[(int)k]);
        }

        return new ShapeValue([.. items], idx.Dims.Length == 0);
    }

    private static ShapeValue? ReshapeValue(ShapeValue sv, long[] target) =>
        target.Length == 0 && sv.Count == 1 ? sv with { IsScalar = true }
        : target.Length == 1 && (target[0] == -1 || target[0] == sv.Count) ? sv with { IsScalar = false }
        : null;

    private ShapeValue? ConcatValue(Node node)
    {
        var items = new List<Dim>();
        foreach (Value? v in node.Inputs)
        {
            if (ValueOf(v) is not { IsScalar: false } sv)
            {
                return null;
            }

            items.AddRange(sv.Items);
        }

        return new ShapeValue([.. items], false);
    }

    private ShapeValue? SliceValue(Node node)
    {
        if (ValueOf(node.Input(0)) is not { IsScalar: false } data)
        {
            return null;
        }

        long[]? starts = _opset < 10 ? Ints(node, "starts") : ConstInts(node.Input(1));
        long[]? ends = _opset < 10 ? Ints(node, "ends") : ConstInts(node.Input(2));
        long[]? steps = _opset >= 10 && node.Input(4) is not null ? ConstInts(node.Input(4)) : [1];
        if (starts is not [long start] || ends is not [long end] || steps is not [long step] || step == 0)
        {
            return null;
        }

        long n = data.Count;
        var items = new List<Dim>();
        if (step > 0)
        {
            long s = Math.Clamp(start < 0 ? start + n : start, 0, n);
            long e = Math.Clamp(end < 0 ? end + n : end, 0, n);
            for (long i = s; i < e; i += step)
            {
                items.Add(data.Items[(int)i]);
            }
        }
        else
        {
            long s = Math.Clamp(start < 0 ? start + n : start, 0, n - 1);
            long e = Math.Clamp(end < 0 ? end + n : end, -1, n - 1);
            for (long i = s; i > e; i += step)
            {
                items.Add(data.Items[(int)i]);
            }
        }

        return new ShapeValue([.. items], false);
    }

    private ShapeValue? ConstantOfShapeValue(Node node)
    {
        if (ConstInts(node.Input(0)) is not [long n] || n > ShapeValue.MaxItems)
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

        return ShapeValue.Of(Enumerable.Repeat(fill, (int)n), isScalar: false);
    }

    /// <summary>Elementwise integer arithmetic on shape values, broadcasting a scalar or a 1-element operand.</summary>
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

        int count = operands.Max(o => o.Count);
        if (operands.Any(o => o.Count != count && o.Count != 1))
        {
            return null;
        }

        var items = ImmutableArray.CreateBuilder<Dim>(count);
        for (int i = 0; i < count; i++)
        {
            Dim[] args = [.. operands.Select(o => o.Items[o.Count == 1 ? 0 : i])];
            items.Add(Apply(node.OpType, args));
        }

        return new ShapeValue(items.MoveToImmutable(), operands.All(o => o.IsScalar));
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
