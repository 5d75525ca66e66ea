// Float64 kernels for data movement: Transpose, Concat, Split, Slice, Gather, by explicit index arithmetic.
using Onnxc.GraphIR;

namespace Onnxc.Passes.Tests.Training.Reference;

internal static partial class Float64Evaluator
{
    private static long[] Unflatten(long flat, long[] dims)
    {
        var index = new long[dims.Length];
        for (int i = dims.Length - 1; i >= 0; i--)
        {
            index[i] = flat % dims[i];
            flat /= dims[i];
        }

        return index;
    }

    private static F64 Transpose(F64 x, int[]? perm)
    {
        perm ??= [.. Enumerable.Range(0, x.Rank).Reverse()];
        long[] yDims = [.. perm.Select(p => x.Dims[p])];
        var y = new double[x.Count];
        for (long f = 0; f < x.Count; f++)
        {
            long[] yi = Unflatten(f, yDims);
            var xi = new long[x.Rank];
            for (int a = 0; a < x.Rank; a++)
            {
                xi[perm[a]] = yi[a];
            }

            y[f] = x.Data[Flat(x.Dims, xi)];
        }

        return new F64(yDims, y);
    }

    private static F64 Concat(F64[] parts, int axis)
    {
        axis = axis < 0 ? axis + parts[0].Rank : axis;
        long[] yDims = [.. parts[0].Dims];
        yDims[axis] = parts.Sum(p => p.Dims[axis]);
        var y = new double[yDims.Aggregate(1L, (a, d) => a * d)];
        for (long f = 0; f < y.Length; f++)
        {
            long[] yi = Unflatten(f, yDims);
            long at = yi[axis];
            int k = 0;
            while (at >= parts[k].Dims[axis])
            {
                at -= parts[k].Dims[axis];
                k++;
            }

            yi[axis] = at;
            y[f] = parts[k].Data[Flat(parts[k].Dims, yi)];
        }

        return new F64(yDims, y);
    }

    private static F64[] Split(Node n, F64?[] x)
    {
        F64 input = x[0]!;
        int axis = (int)n.GetInt("axis", 0);
        axis = axis < 0 ? axis + input.Rank : axis;
        long[] sizes = x.Length > 1 && x[1] is { } s ? s.ToInt64s()
            : n.GetInts("split") is { } a ? [.. a]
            : [.. Enumerable.Range(0, n.Outputs.Count).Select(i =>
            {
                long chunk = (input.Dims[axis] + n.Outputs.Count - 1) / n.Outputs.Count;
                return Math.Min(chunk, input.Dims[axis] - (i * chunk));
            })];
        var result = new F64[sizes.Length];
        long offset = 0;
        for (int k = 0; k < sizes.Length; k++)
        {
            long[] dims = [.. input.Dims];
            dims[axis] = sizes[k];
            var data = new double[dims.Aggregate(1L, (p, d) => p * d)];
            for (long f = 0; f < data.Length; f++)
            {
                long[] i = Unflatten(f, dims);
                i[axis] += offset;
                data[f] = input.Data[Flat(input.Dims, i)];
            }

            result[k] = new F64(dims, data);
            offset += sizes[k];
        }

        return result;
    }

    /// <summary>Slice with the opset-10+ inputs: starts, ends, optional axes and steps, clamped as ONNX says.</summary>
    private static F64 Slice(F64?[] x)
    {
        F64 input = x[0]!;
        long[] starts = x[1]!.ToInt64s();
        long[] ends = x[2]!.ToInt64s();
        long[] axes = x.Length > 3 && x[3] is { } ax ? ax.ToInt64s() : [.. Enumerable.Range(0, starts.Length).Select(i => (long)i)];
        long[] steps = x.Length > 4 && x[4] is { } st ? st.ToInt64s() : [.. Enumerable.Repeat(1L, starts.Length)];
        int r = input.Rank;
        var first = new long[r];
        var step = Enumerable.Repeat(1L, r).ToArray();
        long[] yDims = [.. input.Dims];
        for (int k = 0; k < axes.Length; k++)
        {
            int a = (int)(axes[k] < 0 ? axes[k] + r : axes[k]);
            long d = input.Dims[a];
            long s0 = starts[k] < 0 ? starts[k] + d : starts[k];
            long e0 = ends[k] < 0 ? ends[k] + d : ends[k];
            if (steps[k] > 0)
            {
                s0 = Math.Clamp(s0, 0, d);
                e0 = Math.Clamp(e0, 0, d);
                yDims[a] = Math.Max(0, (e0 - s0 + steps[k] - 1) / steps[k]);
            }
            else
            {
                s0 = Math.Clamp(s0, 0, d - 1);
                e0 = Math.Clamp(e0, -1, d - 1);
                yDims[a] = Math.Max(0, (s0 - e0 + (-steps[k]) - 1) / -steps[k]);
            }

            first[a] = s0;
            step[a] = steps[k];
        }

        var y = new double[yDims.Aggregate(1L, (p, d) => p * d)];
        for (long f = 0; f < y.Length; f++)
        {
            long[] yi = Unflatten(f, yDims);
            for (int a = 0; a < r; a++)
            {
                yi[a] = first[a] + (yi[a] * step[a]);
            }

            y[f] = input.Data[Flat(input.Dims, yi)];
        }

        return new F64(yDims, y);
    }

    private static F64 Gather(F64 x, F64 indices, int axis)
    {
        axis = axis < 0 ? axis + x.Rank : axis;
        long[] yDims = [.. x.Dims[..axis], .. indices.Dims, .. x.Dims[(axis + 1)..]];
        var y = new double[yDims.Aggregate(1L, (p, d) => p * d)];
        int ir = indices.Rank;
        for (long f = 0; f < y.Length; f++)
        {
            long[] yi = Unflatten(f, yDims);
            long idx = (long)indices.Data[Flat(indices.Dims, yi[axis..(axis + ir)])];
            idx = idx < 0 ? idx + x.Dims[axis] : idx;
            long[] xi = [.. yi[..axis], idx, .. yi[(axis + ir)..]];
            y[f] = x.Data[Flat(x.Dims, xi)];
        }

        return new F64(yDims, y);
    }
}
