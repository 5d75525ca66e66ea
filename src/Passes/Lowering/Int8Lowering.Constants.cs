// Compile-time evaluation of shape arithmetic (Shape, Gather, Concat, Cast, ...) on constants.
using Onnxc.GraphIR;

namespace Onnxc.Passes.Lowering;

public sealed partial class Int8Lowering
{
    /// <summary>
    /// Plans have static shapes, so Shape of any value is a constant, and small ops whose inputs are all
    /// constants (the shape subgraphs exporters emit) are evaluated here instead of becoming kernels.
    /// Returns false when the node is not such a case.
    /// </summary>
    private bool TryFoldConstant(Node node)
    {
        if (node.OpType == "Shape")
        {
            long[] dims = ShapeOf(node.Input(0)!).Select(d => (long)d).ToArray();
            int rank = dims.Length;
            int start = (int)node.GetInt("start", 0);
            int end = (int)node.GetInt("end", rank);
            start = Math.Clamp(start < 0 ? start + rank : start, 0, rank);
            end = Math.Clamp(end < 0 ? end + rank : end, 0, rank);
            long[] slice = dims[start..Math.Max(start, end)];
            _values[node.Outputs[0]!] = new ConstantValue(TensorData.FromInt64s([slice.Length], slice));
            return true;
        }

        var inputs = new List<TensorData?>();
        foreach (var v in node.Inputs)
        {
            if (v is null)
            {
                inputs.Add(null);
                continue;
            }

            if (Lookup(v) is not ConstantValue c)
                return false;
            inputs.Add(c.Data);
        }

        if (inputs.Count == 0 || node.Outputs.Count != 1 || FoldConstant(node, inputs) is not { } result)
            return false;
        _values[node.Outputs[0]!] = new ConstantValue(result);
        return true;
    }

    private TensorData? FoldConstant(Node node, List<TensorData?> inputs)
    {
        var x = inputs[0];
        if (x is null || x.ElementType is not (ElementType.Int64 or ElementType.Int32 or ElementType.Float))
            return null;
        long[] dims = [.. x.Dims];
        switch (node.OpType)
        {
            case "Identity":
                return x;
            case "Cast":
            {
                var to = (ElementType)node.GetInt("to", 0);
                double[] v = x.ToDoubles();
                return to switch
                {
                    ElementType.Int64 => TensorData.FromInt64s(dims, v.Select(d => (long)d).ToArray()),
                    ElementType.Int32 => TensorData.FromInt32s(dims, v.Select(d => (int)d).ToArray()),
                    ElementType.Float => TensorData.FromFloats(dims, v.Select(d => (float)d).ToArray()),
                    _ => null,
                };
            }

            case "Reshape" when inputs[1] is { } shape:
                return WithDims(x, ReshapeTarget(node, dims.Select(d => (int)d).ToArray(), shape.ToInt64s()).Select(d => (long)d).ToArray());
            case "Unsqueeze":
            {
                long[] axes = node.GetInts("axes")?.ToArray() ?? inputs.ElementAtOrDefault(1)?.ToInt64s() ?? [];
                int rank = dims.Length + axes.Length;
                var set = axes.Select(a => a < 0 ? a + rank : a).ToHashSet();
                var result = new List<long>();
                int j = 0;
                for (int i = 0; i < rank; i++)
                    result.Add(set.Contains(i) ? 1 : dims[j++]);
                return WithDims(x, [.. result]);
            }

            case "Squeeze":
            {
                long[]? axes = node.GetInts("axes")?.ToArray() ?? inputs.ElementAtOrDefault(1)?.ToInt64s();
                var set = axes?.Select(a => a < 0 ? a + dims.Length : a).ToHashSet();
                return WithDims(x, dims.Where((d, i) => set is null ? d != 1 : !set.Contains(i)).ToArray());
            }

            case "Concat" when dims.Length == 1 && inputs.All(t => t is not null && t.ElementType == x.ElementType && t.Dims.Length == 1):
            {
                double[] all = inputs.SelectMany(t => t!.ToDoubles()).ToArray();
                return FromDoubles(x.ElementType, [all.Length], all);
            }

            case "Gather" when node.GetInt("axis", 0) == 0 && dims.Length == 1 && inputs[1] is { } idx:
            {
                double[] v = x.ToDoubles();
                long[] index = idx.ToInt64s();
                double[] picked = index.Select(i => v[i < 0 ? i + v.Length : i]).ToArray();
                return FromDoubles(x.ElementType, [.. idx.Dims], picked);
            }

            case "Add" or "Sub" or "Mul" or "Div" when inputs[1] is { } y && y.ElementType == x.ElementType && (y.ElementCount == 1 || y.Dims.SequenceEqual(x.Dims)):
            {
                double[] a = x.ToDoubles();
                double[] b = y.ToDoubles();
                bool integer = x.ElementType != ElementType.Float;
                double[] r = a.Select((v, i) =>
                {
                    double w = b[b.Length == 1 ? 0 : i];
                    return node.OpType switch
                    {
                        "Add" => v + w,
                        "Sub" => v - w,
                        "Mul" => v * w,
                        _ => integer ? Math.Truncate(v / w) : (double)((float)v / (float)w),
                    };
                }).ToArray();
                return FromDoubles(x.ElementType, dims, r);
            }

            case "ConstantOfShape":
            {
                long[] shape = x.ToInt64s();
                long count = shape.Aggregate(1L, (p, d) => p * d);
                if (count > 1 << 20)
                    return null;
                var value = node.Attribute("value")?.T;
                double fill = value is null ? 0 : value.ToDoubles()[0];
                var type = value?.ElementType ?? ElementType.Float;
                return FromDoubles(type, shape, Enumerable.Repeat(fill, (int)count).ToArray());
            }

            case "Transpose" when dims.Length <= 6:
            {
                int[] perm = node.GetInts("perm") is { } p ? p.Select(v => (int)v).ToArray() : Enumerable.Range(0, dims.Length).Reverse().ToArray();
                double[] v = x.ToDoubles();
                long[] outDims = perm.Select(i => dims[i]).ToArray();
                long[] inStrides = new long[dims.Length];
                long s = 1;
                for (int i = dims.Length - 1; i >= 0; i--)
                {
                    inStrides[i] = s;
                    s *= dims[i];
                }

                var r = new double[v.Length];
                for (long o = 0; o < v.Length; o++)
                {
                    long rem = o;
                    long src = 0;
                    for (int i = outDims.Length - 1; i >= 0; i--)
                    {
                        src += rem % outDims[i] * inStrides[perm[i]];
                        rem /= outDims[i];
                    }

                    r[o] = v[src];
                }

                return FromDoubles(x.ElementType, outDims, r);
            }

            case "Slice":
            {
                int[] shape = dims.Select(d => (int)d).ToArray();
                var (start, step, size) = SliceBounds(node, shape);
                double[] v = x.ToDoubles();
                long count = size.Aggregate(1L, (p, d) => p * d);
                var r = new double[count];
                for (long o = 0; o < count; o++)
                {
                    long rem = o;
                    long src = 0;
                    long stride = 1;
                    var index = new long[shape.Length];
                    for (int i = shape.Length - 1; i >= 0; i--)
                    {
                        index[i] = start[i] + (rem % size[i] * step[i]);
                        rem /= size[i];
                    }

                    for (int i = shape.Length - 1; i >= 0; i--)
                    {
                        src += index[i] * stride;
                        stride *= shape[i];
                    }

                    r[o] = v[src];
                }

                return FromDoubles(x.ElementType, size.Select(d => (long)d).ToArray(), r);
            }

            default:
                return null;
        }
    }

    private static TensorData WithDims(TensorData x, long[] dims) => TensorData.FromBytes(x.ElementType, dims, x.GetBytes());

    private static TensorData? FromDoubles(ElementType type, long[] dims, double[] values) => type switch
    {
        ElementType.Int64 => TensorData.FromInt64s(dims, values.Select(d => (long)d).ToArray()),
        ElementType.Int32 => TensorData.FromInt32s(dims, values.Select(d => (int)d).ToArray()),
        ElementType.Float => TensorData.FromFloats(dims, values.Select(d => (float)d).ToArray()),
        _ => null,
    };
}
