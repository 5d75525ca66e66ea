// Inference for shape producers and consumers (Shape, Constant, ConstantOfShape, Expand, Tile, Range, Resize) and indexing ops.
namespace Onnxc.GraphIR.Analysis;

internal sealed partial class ShapeInferrer
{
    private bool InferIndexing(Node node, ElementType[] types, TensorShape?[] shapes)
    {
        TensorShape? x = ShapeOf(node.Input(0));
        switch (node.OpType)
        {
            case "Shape":
                if (x is not null)
                {
                    (int start, int end) = ShapeRange(node, x.Rank);
                    shapes[0] = new TensorShape(Math.Max(0, end - start));
                }

                return true;
            case "Size":
                shapes[0] = TensorShape.Scalar;
                return true;
            case "Constant":
                InferConstant(node, types, shapes);
                return true;
            case "ConstantOfShape":
                types[0] = node.Attribute("value") is { T: { } v } ? v.ElementType : ElementType.Float;
                shapes[0] = ShapeFromValue(node.Input(0));
                return true;
            case "RandomNormal" or "RandomUniform":
                types[0] = node.Attribute("dtype") is { Kind: AttributeKind.Int } dt ? (ElementType)dt.I : ElementType.Float;
                shapes[0] = Ints(node, "shape") is { } rs ? new TensorShape(rs) : null;
                return true;
            case "Expand":
                shapes[0] = ShapeFromValue(node.Input(1)) is { } target ? Broadcast([x, target]) : null;
                return true;
            case "Tile":
                shapes[0] = x is not null && ConstInts(node.Input(1)) is { } reps && reps.Length == x.Rank && node.Inputs.Count == 2
                    ? Shape(x.Dims.Select((d, i) => reps[i] == 1 ? d : d.Value is long v ? v * reps[i] : Dim.Unknown))
                    : x is not null && node.Inputs.Count == 2 ? Shape(x.Dims.Select(_ => Dim.Unknown)) : null;
                return true;
            case "Range":
                shapes[0] = new TensorShape([RangeLength(node)]);
                return true;
            case "Gather":
                shapes[0] = GatherShape(node, x, ShapeOf(node.Input(1)));
                return true;
            case "GatherElements":
                shapes[0] = ShapeOf(node.Input(1));
                return true;
            case "GatherND":
                shapes[0] = GatherNdShape(node, x, ShapeOf(node.Input(1)));
                return true;
            case "TopK":
                if (x is not null)
                {
                    int axis = Axis(Int(node, "axis", -1), x.Rank);
                    Dim k = _opset < 10 ? Int(node, "k", 0) : ConstInts(node.Input(1)) is [long kv] ? kv : Dim.Unknown;
                    shapes[0] = Shape(x.Dims.Select((d, i) => i == axis ? k : d));
                    shapes[1] = shapes[0];
                }

                return true;
            case "NonZero":
                shapes[0] = x is null ? null : new TensorShape([x.Rank, Dim.Unknown]);
                return true;
            case "NonMaxSuppression":
                shapes[0] = new TensorShape([Dim.Unknown, 3]);
                return true;
            case "Compress":
                shapes[0] = x is null ? null : node.Attribute("axis") is { Kind: AttributeKind.Int } ca
                    ? Shape(x.Dims.Select((d, i) => i == Axis(ca.I, x.Rank) ? Dim.Unknown : d)) : new TensorShape([Dim.Unknown]);
                return true;
            case "OneHot":
                if (ShapeOf(node.Input(0)) is { } ind)
                {
                    int axis = Axis(Int(node, "axis", -1), ind.Rank + 1);
                    Dim depth = ConstInts(node.Input(1)) is [long dv] ? dv : Dim.Unknown;
                    var dims = ind.Dims.ToList();
                    dims.Insert(axis, depth);
                    shapes[0] = Shape(dims);
                }

                return true;
            case "Einsum":
                shapes[0] = EinsumShape(node);
                return true;
            case "Det":
                shapes[0] = x is { Rank: >= 2 } ? Shape(x.Dims.Take(x.Rank - 2)) : null;
                return true;
            case "GridSample":
                shapes[0] = x is { Rank: 4 } && ShapeOf(node.Input(1)) is { Rank: 4 } grid ? new TensorShape([x[0], x[1], grid[1], grid[2]]) : null;
                return true;
            case "RoiAlign":
                shapes[0] = x is { Rank: 4 } && ShapeOf(node.Input(1)) is { Rank: 2 } rois
                    ? new TensorShape([rois[0], x[1], Int(node, "output_height", 1), Int(node, "output_width", 1)])
                    : null;
                return true;
            case "Resize" or "Upsample":
                shapes[0] = ResizeShape(node, x);
                return true;
            default:
                return false;
        }
    }

    /// <summary>Shape's start and end (opset 15), clamped to [0, rank] after adding rank to negatives.</summary>
    private static (int Start, int End) ShapeRange(Node node, int rank)
    {
        long start = Int(node, "start", 0);
        long end = node.Attribute("end") is { Kind: AttributeKind.Int } e ? e.I : rank;
        start = Math.Clamp(start < 0 ? start + rank : start, 0, rank);
        end = Math.Clamp(end < 0 ? end + rank : end, 0, rank);
        return ((int)start, (int)end);
    }

    private static void InferConstant(Node node, ElementType[] types, TensorShape?[] shapes)
    {
        foreach (NodeAttribute a in node.Attributes)
        {
            (ElementType type, TensorShape? shape) = a.Name switch
            {
                "value" when a.T is not null => (a.T.ElementType, a.T.Shape),
                "value_float" => (ElementType.Float, TensorShape.Scalar),
                "value_floats" => (ElementType.Float, new TensorShape(a.Floats.Length)),
                "value_int" => (ElementType.Int64, TensorShape.Scalar),
                "value_ints" => (ElementType.Int64, new TensorShape(a.Ints.Length)),
                "value_string" => (ElementType.String, TensorShape.Scalar),
                "value_strings" => (ElementType.String, new TensorShape(a.Strings.Length)),
                _ => (ElementType.Undefined, null),
            };
            if (type != ElementType.Undefined)
            {
                types[0] = type;
                shapes[0] = shape;
                return;
            }
        }
    }

    /// <summary>A 1-D shape input read as dims (known, symbolic or unknown), or, when only its length is known, that many unknowns.</summary>
    private TensorShape? ShapeFromValue(Value? v)
    {
        if (ValueOf(v) is { IsVector: true } sv)
        {
            return new TensorShape(sv.Items);
        }

        if (ConstInts(v) is { } c)
        {
            return new TensorShape(c);
        }

        return ShapeOf(v) is { Rank: 1 } s && s[0].Value is long n ? Shape(Enumerable.Repeat(Dim.Unknown, (int)n)) : null;
    }

    private Dim RangeLength(Node node)
    {
        double[]? Scalar(Value? v) => ConstData(v) is { ElementCount: 1 } d && d.ElementType.BitsPerElement() >= 8 ? d.ToDoubles() : ValueOf(v)?.Known is [long k] ? [k] : null;
        if (Scalar(node.Input(0)) is [double start] && Scalar(node.Input(1)) is [double limit] && Scalar(node.Input(2)) is [double delta] && delta != 0)
        {
            return Math.Max(0, (long)Math.Ceiling((limit - start) / delta));
        }

        return Dim.Unknown;
    }

    private static TensorShape? GatherShape(Node node, TensorShape? data, TensorShape? indices)
    {
        if (data is null || indices is null || data.Rank == 0)
        {
            return null;
        }

        int axis = Axis(Int(node, "axis", 0), data.Rank);
        return Shape(data.Dims.Take(axis).Concat(indices.Dims).Concat(data.Dims.Skip(axis + 1)));
    }

    private static TensorShape? GatherNdShape(Node node, TensorShape? data, TensorShape? indices)
    {
        if (data is null || indices is not { Rank: > 0 } || indices[indices.Rank - 1].Value is not long last)
        {
            return null;
        }

        int batch = (int)Int(node, "batch_dims", 0);
        return Shape(indices.Dims.Take(indices.Rank - 1).Concat(data.Dims.Skip(batch + (int)last)));
    }

    /// <summary>Resize/Upsample: sizes when constant, else floor(dim * scale) from constant scales.</summary>
    private TensorShape? ResizeShape(Node node, TensorShape? x)
    {
        if (x is null)
        {
            return null;
        }

        long[]? axes = Ints(node, "axes");
        int[] axisList = axes is null ? [.. Enumerable.Range(0, x.Rank)] : [.. axes.Select(a => Axis(a, x.Rank))];
        float[]? scales;
        if (node.OpType == "Upsample")
        {
            scales = node.GetFloats("scales") is { } sa ? [.. sa] : _opset < 7 ? null : ConstFloats(node.Input(1));
            if (scales is null && _opset < 7)
            {
                scales = x.Rank == 4 ? [1, 1, node.GetFloat("height_scale", 1), node.GetFloat("width_scale", 1)] : null;
            }
        }
        else
        {
            if (_opset >= 11 && node.Input(3) is { } sizesInput)
            {
                if (ConstInts(sizesInput) is { } sizes && sizes.Length == axisList.Length)
                {
                    Dim[] dims = [.. x.Dims];
                    for (int i = 0; i < axisList.Length; i++)
                    {
                        dims[axisList[i]] = sizes[i];
                    }

                    return new TensorShape([.. dims]);
                }

                return Shape(x.Dims.Select(_ => Dim.Unknown));
            }

            scales = ConstFloats(node.Input(_opset >= 11 ? 2 : 1));
        }

        if (scales is null || scales.Length != axisList.Length)
        {
            return Shape(x.Dims.Select(_ => Dim.Unknown));
        }

        Dim[] result = [.. x.Dims];
        for (int i = 0; i < axisList.Length; i++)
        {
            Dim d = result[axisList[i]];
            result[axisList[i]] = scales[i] == 1f ? d : d.Value is long v ? (long)Math.Floor(v * (double)scales[i]) : Dim.Unknown;
        }

        return new TensorShape([.. result]);
    }

    /// <summary>
    /// Einsum without ellipses: each output letter takes the dim of an input axis with that letter (a known size
    /// wins over a symbol); with no "->", the output is the letters used once, in alphabetical order.
    /// </summary>
    private static TensorShape? EinsumShape(Node node)
    {
        string equation = node.GetString("equation", "").Replace(" ", "", StringComparison.Ordinal);
        if (equation.Length == 0 || equation.Contains("...", StringComparison.Ordinal))
        {
            return null;
        }

        int arrow = equation.IndexOf("->", StringComparison.Ordinal);
        string[] terms = (arrow >= 0 ? equation[..arrow] : equation).Split(',');
        if (terms.Length != node.Inputs.Count)
        {
            return null;
        }

        var dims = new Dictionary<char, Dim>();
        var counts = new Dictionary<char, int>();
        for (int i = 0; i < terms.Length; i++)
        {
            if (ShapeOf(node.Inputs[i]) is not { } s || s.Rank != terms[i].Length)
            {
                return null;
            }

            for (int k = 0; k < s.Rank; k++)
            {
                char c = terms[i][k];
                counts[c] = counts.GetValueOrDefault(c) + 1;
                dims[c] = dims.TryGetValue(c, out Dim d) && (d.IsKnown || !s[k].IsKnown) ? d : s[k];
            }
        }

        string output = arrow >= 0 ? equation[(arrow + 2)..] : new string([.. counts.Where(p => p.Value == 1).Select(p => p.Key).Order()]);
        return output.All(dims.ContainsKey) ? Shape(output.Select(c => dims[c])) : null;
    }
}
