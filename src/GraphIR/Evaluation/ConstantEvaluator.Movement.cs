// Data-movement ops of the constant evaluator: elements are copied, never reinterpreted.
namespace Onnxc.GraphIR.Evaluation;

public static partial class ConstantEvaluator
{
    private static HostTensor WithDims(HostTensor x, long[] dims) => new(x.Type, dims, x.Bytes);

    private static HostTensor Reshape(Node node, HostTensor x, HostTensor shapeTensor)
    {
        long[] shape = shapeTensor.ToInt64s();
        bool allowZero = node.GetInt("allowzero", 0) != 0;
        var dims = new long[shape.Length];
        int infer = -1;
        long known = 1;
        for (int i = 0; i < shape.Length; i++)
        {
            long d = shape[i];
            if (d == 0 && !allowZero)
            {
                d = i < x.Rank ? x.Dims[i] : throw new ArgumentException($"shape entry {i} is 0 but the input has rank {x.Rank}");
            }

            if (d == -1)
            {
                if (infer >= 0)
                {
                    throw new ArgumentException("more than one -1 in the shape");
                }

                infer = i;
                continue;
            }

            if (d < 0)
            {
                throw new ArgumentException($"invalid shape entry {d}");
            }

            dims[i] = d;
            known *= d;
        }

        if (infer >= 0)
        {
            if (known == 0 || x.Count % known != 0)
            {
                throw new ArgumentException("the -1 dimension cannot be inferred");
            }

            dims[infer] = x.Count / known;
        }

        if (TensorData.CountElements(dims) != x.Count)
        {
            throw new ArgumentException($"cannot reshape {x} to [{string.Join(",", dims)}]");
        }

        return WithDims(x, dims);
    }

    private static HostTensor Flatten(Node node, HostTensor x)
    {
        int axis = (int)node.GetInt("axis", 1);
        axis = axis < 0 ? axis + x.Rank : axis;
        if (axis < 0 || axis > x.Rank)
        {
            throw new ArgumentException($"axis {axis} is out of range");
        }

        long outer = 1;
        for (int i = 0; i < axis; i++)
        {
            outer *= x.Dims[i];
        }

        return WithDims(x, [outer, outer == 0 ? 0 : x.Count / outer]);
    }

    private static HostTensor Squeeze(Node node, HostTensor x, HostTensor? axesInput)
    {
        long[] axes = AxesFrom(node, axesInput);
        var drop = new HashSet<int>(axes.Select(a => NormalizeAxis(a, x.Rank)));
        if (axes.Length == 0)
        {
            drop = [.. Enumerable.Range(0, x.Rank).Where(i => x.Dims[i] == 1)];
        }

        foreach (int a in drop)
        {
            if (x.Dims[a] != 1)
            {
                throw new ArgumentException($"cannot squeeze axis {a} of size {x.Dims[a]}");
            }
        }

        return WithDims(x, [.. x.Dims.Where((_, i) => !drop.Contains(i))]);
    }

    private static HostTensor Unsqueeze(Node node, HostTensor x, HostTensor? axesInput)
    {
        long[] axes = AxesFrom(node, axesInput);
        int rank = x.Rank + axes.Length;
        var insert = new HashSet<int>(axes.Select(a => NormalizeAxis(a, rank)));
        if (insert.Count != axes.Length)
        {
            throw new ArgumentException("repeated axes");
        }

        var dims = new long[rank];
        int src = 0;
        for (int i = 0; i < rank; i++)
        {
            dims[i] = insert.Contains(i) ? 1 : x.Dims[src++];
        }

        return WithDims(x, dims);
    }

    private static HostTensor Transpose(Node node, HostTensor x)
    {
        long[] perm = node.GetInts("perm") is { } p ? [.. p] : [.. Enumerable.Range(0, x.Rank).Reverse().Select(i => (long)i)];
        if (perm.Length != x.Rank || perm.Distinct().Count() != x.Rank || perm.Any(v => v < 0 || v >= x.Rank))
        {
            throw new ArgumentException($"perm [{string.Join(",", perm)}] does not fit rank {x.Rank}");
        }

        long[] dims = [.. perm.Select(a => x.Dims[a])];
        long[] inStrides = Broadcasting.Strides(x.Dims);
        var strides = perm.Select(a => inStrides[a]).ToArray();
        var output = new byte[x.Bytes.Length];
        int size = x.ElementSize;
        var counter = new long[dims.Length];
        long offset = 0;
        for (long n = 0; n < x.Count; n++)
        {
            Buffer.BlockCopy(x.Bytes, (int)(offset * size), output, (int)(n * size), size);
            for (int d = dims.Length - 1; d >= 0; d--)
            {
                counter[d]++;
                offset += strides[d];
                if (counter[d] < dims[d])
                {
                    break;
                }

                offset -= strides[d] * counter[d];
                counter[d] = 0;
            }
        }

        return new HostTensor(x.Type, dims, output);
    }

    private static HostTensor Concat(Node node, HostTensor?[] inputs)
    {
        HostTensor[] parts = [.. inputs.Where(t => t is not null).Select(t => t!)];
        if (parts.Length == 0)
        {
            throw new ArgumentException("no inputs");
        }

        int rank = parts[0].Rank;
        int axis = NormalizeAxis(node.GetInt("axis", 0), rank);
        long[] dims = [.. parts[0].Dims];
        dims[axis] = 0;
        foreach (HostTensor p in parts)
        {
            if (p.Rank != rank || p.Type != parts[0].Type || Enumerable.Range(0, rank).Any(i => i != axis && p.Dims[i] != parts[0].Dims[i]))
            {
                throw new ArgumentException("inputs do not agree in type or shape");
            }

            dims[axis] += p.Dims[axis];
        }

        long outer = 1;
        for (int i = 0; i < axis; i++)
        {
            outer *= dims[i];
        }

        var output = new byte[TensorData.CountElements(dims) * parts[0].ElementSize];
        int at = 0;
        for (long o = 0; o < outer; o++)
        {
            foreach (HostTensor p in parts)
            {
                int block = (int)(p.Bytes.Length / Math.Max(outer, 1));
                Buffer.BlockCopy(p.Bytes, (int)(o * block), output, at, block);
                at += block;
            }
        }

        return new HostTensor(parts[0].Type, dims, output);
    }

    private static HostTensor Gather(Node node, HostTensor data, HostTensor indicesTensor)
    {
        int axis = NormalizeAxis(node.GetInt("axis", 0), data.Rank);
        long[] indices = indicesTensor.ToInt64s();
        long axisDim = data.Dims[axis];
        long outer = data.Dims.Take(axis).Aggregate(1L, (a, b) => a * b);
        long inner = data.Dims.Skip(axis + 1).Aggregate(1L, (a, b) => a * b) * data.ElementSize;
        long[] dims = [.. data.Dims.Take(axis), .. indicesTensor.Dims, .. data.Dims.Skip(axis + 1)];
        var output = new byte[TensorData.CountElements(dims) * data.ElementSize];
        int at = 0;
        for (long o = 0; o < outer; o++)
        {
            foreach (long raw in indices)
            {
                long i = raw < 0 ? raw + axisDim : raw;
                if (i < 0 || i >= axisDim)
                {
                    throw new ArgumentException($"index {raw} is out of range for dimension {axisDim}");
                }

                Buffer.BlockCopy(data.Bytes, (int)(((o * axisDim) + i) * inner), output, at, (int)inner);
                at += (int)inner;
            }
        }

        return new HostTensor(data.Type, dims, output);
    }

    private static HostTensor Slice(Node node, HostTensor?[] x)
    {
        HostTensor data = Req(x, 0);
        long[] starts, ends, axes, steps;
        if (node.GetInts("starts") is { } s)
        {
            starts = [.. s];
            ends = [.. node.GetInts("ends") ?? throw new ArgumentException("ends missing")];
            axes = node.GetInts("axes") is { } a ? [.. a] : [.. Enumerable.Range(0, starts.Length).Select(i => (long)i)];
            steps = [.. Enumerable.Repeat(1L, starts.Length)];
        }
        else
        {
            starts = Req(x, 1).ToInt64s();
            ends = Req(x, 2).ToInt64s();
            axes = Opt(x, 3)?.ToInt64s() ?? [.. Enumerable.Range(0, starts.Length).Select(i => (long)i)];
            steps = Opt(x, 4)?.ToInt64s() ?? [.. Enumerable.Repeat(1L, starts.Length)];
        }

        if (ends.Length != starts.Length || axes.Length != starts.Length || steps.Length != starts.Length)
        {
            throw new ArgumentException("starts, ends, axes and steps differ in length");
        }

        int rank = data.Rank;
        var begin = new long[rank];
        var step = Enumerable.Repeat(1L, rank).ToArray();
        long[] dims = [.. data.Dims];
        for (int k = 0; k < starts.Length; k++)
        {
            int axis = NormalizeAxis(axes[k], rank);
            long dim = data.Dims[axis];
            long st = steps[k];
            if (st == 0)
            {
                throw new ArgumentException("step 0");
            }

            (long b, long e) = SliceBounds(starts[k], ends[k], st, dim);
            begin[axis] = b;
            step[axis] = st;
            dims[axis] = st > 0 ? Math.Max(0, (e - b + st - 1) / st) : Math.Max(0, (b - e + (-st) - 1) / -st);
        }

        long[] inStrides = Broadcasting.Strides(data.Dims);
        long count = TensorData.CountElements(dims);
        var output = new byte[count * data.ElementSize];
        var counter = new long[rank];
        int size = data.ElementSize;
        for (long n = 0; n < count; n++)
        {
            long offset = 0;
            for (int d = 0; d < rank; d++)
            {
                offset += (begin[d] + (counter[d] * step[d])) * inStrides[d];
            }

            Buffer.BlockCopy(data.Bytes, (int)(offset * size), output, (int)(n * size), size);
            for (int d = rank - 1; d >= 0; d--)
            {
                if (++counter[d] < dims[d])
                {
                    break;
                }

                counter[d] = 0;
            }
        }

        return new HostTensor(data.Type, dims, output);
    }

    /// <summary>ONNX Slice clamping: negatives count from the end; positive steps clamp to [0, dim], negative to [-1, dim-1].</summary>
    public static (long Begin, long End) SliceBounds(long start, long end, long step, long dim)
    {
        if (start < 0)
        {
            start += dim;
        }

        if (end < 0)
        {
            end += dim;
        }

        if (step > 0)
        {
            return (Math.Clamp(start, 0, dim), Math.Clamp(end, 0, dim));
        }

        return (Math.Clamp(start, 0, dim - 1), Math.Clamp(end, -1, dim - 1));
    }

    private static HostTensor Expand(HostTensor x, HostTensor shapeTensor)
    {
        long[] dims = Broadcasting.Shape(x.Dims, shapeTensor.ToInt64s());
        return Gathered(x, dims, Broadcasting.IndexMap(dims, x.Dims));
    }

    private static HostTensor Tile(HostTensor x, HostTensor repeatsTensor)
    {
        long[] repeats = repeatsTensor.ToInt64s();
        if (repeats.Length != x.Rank || repeats.Any(r => r < 0))
        {
            throw new ArgumentException("repeats do not fit the input");
        }

        long[] dims = [.. x.Dims.Select((d, i) => d * repeats[i])];
        long[] strides = Broadcasting.Strides(x.Dims);
        long count = TensorData.CountElements(dims);
        var map = new int[count];
        var counter = new long[dims.Length];
        for (long n = 0; n < count; n++)
        {
            long offset = 0;
            for (int d = 0; d < dims.Length; d++)
            {
                offset += counter[d] % x.Dims[d] * strides[d];
            }

            map[n] = (int)offset;
            for (int d = dims.Length - 1; d >= 0; d--)
            {
                if (++counter[d] < dims[d])
                {
                    break;
                }

                counter[d] = 0;
            }
        }

        return Gathered(x, dims, map);
    }

    private static HostTensor Gathered(HostTensor x, long[] dims, int[] map)
    {
        int size = x.ElementSize;
        var output = new byte[map.Length * size];
        for (int n = 0; n < map.Length; n++)
        {
            Buffer.BlockCopy(x.Bytes, map[n] * size, output, n * size, size);
        }

        return new HostTensor(x.Type, dims, output);
    }

    private static HostTensor Shape(Node node, HostTensor x)
    {
        int rank = x.Rank;
        long start = node.GetInt("start", 0);
        long end = node.GetInt("end", rank);
        start = Math.Clamp(start < 0 ? start + rank : start, 0, rank);
        end = Math.Clamp(end < 0 ? end + rank : end, 0, rank);
        long[] dims = [.. x.Dims.Skip((int)start).Take((int)Math.Max(0, end - start))];
        return HostTensor.Of(ElementType.Int64, [dims.Length], dims);
    }

    private static HostTensor ConstantOfShape(Node node, HostTensor shapeTensor)
    {
        long[] dims = shapeTensor.ToInt64s();
        HostTensor fill = node.Attribute("value")?.T is { } t ? HostTensor.From(t) : HostTensor.Of(ElementType.Float, [1], [0f]);
        if (fill.Count != 1)
        {
            throw new ArgumentException("value must hold one element");
        }

        return Gathered(fill, dims, new int[TensorData.CountElements(dims)]);
    }

    private static HostTensor Constant(Node node)
    {
        foreach (NodeAttribute a in node.Attributes)
        {
            switch (a.Name)
            {
                case "value" when a.T is not null:
                    return HostTensor.From(a.T);
                case "value_float":
                    return HostTensor.Of(ElementType.Float, [], [a.F]);
                case "value_floats":
                    return HostTensor.Of(ElementType.Float, [a.Floats.Length], a.Floats.ToArray());
                case "value_int":
                    return HostTensor.Of(ElementType.Int64, [], [a.I]);
                case "value_ints":
                    return HostTensor.Of(ElementType.Int64, [a.Ints.Length], a.Ints.ToArray());
            }
        }

        throw new NotSupportedException("Constant with a sparse or string value is kept");
    }

    private static HostTensor Where(HostTensor cond, HostTensor a, HostTensor b)
    {
        if (cond.Type != ElementType.Bool || a.Type != b.Type)
        {
            throw new ArgumentException("Where needs a BOOL condition and equal branch types");
        }

        long[] dims = Broadcasting.Shape(cond.Dims, a.Dims, b.Dims);
        int[] mc = Broadcasting.IndexMap(dims, cond.Dims);
        int[] ma = Broadcasting.IndexMap(dims, a.Dims);
        int[] mb = Broadcasting.IndexMap(dims, b.Dims);
        int size = a.ElementSize;
        var output = new byte[mc.Length * size];
        for (int n = 0; n < mc.Length; n++)
        {
            bool pick = cond.Bytes[mc[n]] != 0;
            Buffer.BlockCopy(pick ? a.Bytes : b.Bytes, (pick ? ma[n] : mb[n]) * size, output, n * size, size);
        }

        return new HostTensor(a.Type, dims, output);
    }
}
