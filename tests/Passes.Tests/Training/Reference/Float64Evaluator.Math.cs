// Float64 kernels for elementwise math, activations, MatMul/Gemm, reductions, softmax and the shape ops.
using Onnxc.Evaluation;
using Onnxc.GraphIR;
using Onnxc.GraphIR.Evaluation;

namespace Onnxc.Passes.Tests.Training.Reference;

internal static partial class Float64Evaluator
{
    static partial void AddMathKernels(Dictionary<string, Kernel> kernels)
    {
        kernels["Add"] = (_, x) => [Broadcast(x, v => v[0] + v[1])];
        kernels["Sub"] = (_, x) => [Broadcast(x, v => v[0] - v[1])];
        kernels["Mul"] = (_, x) => [Broadcast(x, v => v[0] * v[1])];
        kernels["Div"] = (_, x) => [Broadcast(x, v => v[0] / v[1])];
        kernels["Pow"] = (_, x) => [Broadcast(x, v => Math.Pow(v[0], v[1]))];
        kernels["Sum"] = (_, x) => [Broadcast(x, v => v.Sum())];
        kernels["Neg"] = (_, x) => [Map(x[0]!, v => -v)];
        kernels["Relu"] = (_, x) => [Map(x[0]!, v => v > 0 ? v : 0)];
        kernels["LeakyRelu"] = (n, x) => [Map(x[0]!, v => v > 0 ? v : n.GetFloat("alpha", 0.01f) * v)];
        kernels["Sigmoid"] = (_, x) => [Map(x[0]!, v => 1 / (1 + Math.Exp(-v)))];
        kernels["Tanh"] = (_, x) => [Map(x[0]!, Math.Tanh)];
        kernels["Exp"] = (_, x) => [Map(x[0]!, Math.Exp)];
        kernels["Log"] = (_, x) => [Map(x[0]!, Math.Log)];
        kernels["Sqrt"] = (_, x) => [Map(x[0]!, Math.Sqrt)];
        kernels["Erf"] = (_, x) => [Map(x[0]!, Erf)];
        kernels["Gelu"] = (n, x) => [Map(x[0]!, n.GetString("approximate", "none") == "tanh"
            ? v => 0.5 * v * (1 + Math.Tanh(Math.Sqrt(2 / Math.PI) * (v + (0.044715 * v * v * v))))
            : v => 0.5 * v * (1 + Erf(v / Math.Sqrt(2))))];
        kernels["Clip"] = (_, x) => [Map(x[0]!, v => Math.Min(Math.Max(v, x.Length > 1 && x[1] is { } lo ? lo.Data[0] : double.NegativeInfinity),
            x.Length > 2 && x[2] is { } hi ? hi.Data[0] : double.PositiveInfinity))];
        kernels["Identity"] = (_, x) => [x[0]!.Clone()];
        kernels["Cast"] = (_, x) => [x[0]!.Clone()];
        kernels["MatMul"] = (_, x) => [MatMul(x[0]!, x[1]!)];
        kernels["Gemm"] = (n, x) => [Gemm(n, x)];
        kernels["ReduceSum"] = (n, x) => [Reduce(n, x, 13, mean: false)];
        kernels["ReduceMean"] = (n, x) => [Reduce(n, x, 18, mean: true)];
        kernels["Softmax"] = (n, x) => [Softmax(x[0]!, (int)n.GetInt("axis", -1), log: false)];
        kernels["LogSoftmax"] = (n, x) => [Softmax(x[0]!, (int)n.GetInt("axis", -1), log: true)];
        kernels["Shape"] = (_, x) => [new F64([x[0]!.Rank], [.. x[0]!.Dims.Select(d => (double)d)])];
        kernels["Transpose"] = (n, x) => [Transpose(x[0]!, n.GetInts("perm") is { } p ? [.. p.Select(v => (int)v)] : null)];
        kernels["Concat"] = (n, x) => [Concat([.. x.Select(v => v!)], (int)n.GetInt("axis", 0))];
        kernels["Split"] = (n, x) => Split(n, x);
        kernels["Slice"] = (_, x) => [Slice(x)];
        kernels["Gather"] = (n, x) => [Gather(x[0]!, x[1]!, (int)n.GetInt("axis", 0))];
        kernels["Constant"] = (n, _) => [F64.From(n.Attribute("value")!.T!)];
        kernels["ConstantOfShape"] = (n, x) => [ConstantOfShape(n, x[0]!)];
        kernels["Expand"] = (_, x) => [Expand(x[0]!, x[1]!.ToInt64s())];
        kernels["Reshape"] = (_, x) => [Reshaped(x[0]!, ReshapeDims(x[0]!, x[1]!.ToInt64s()))];
        kernels["Flatten"] = (n, x) => [Flatten(n, x[0]!)];
        kernels["Squeeze"] = (n, x) => [Squeeze(n, x)];
        kernels["Unsqueeze"] = (n, x) => [Unsqueeze(n, x)];
    }

    private static F64 Map(F64 x, Func<double, double> f) => new([.. x.Dims], [.. x.Data.Select(f)]);

    /// <summary>Multidirectional broadcasting of every non-null input, then <paramref name="f"/> per element.</summary>
    private static F64 Broadcast(F64?[] inputs, Func<double[], double> f)
    {
        F64[] xs = [.. inputs.Where(i => i is not null).Select(i => i!)];
        int rank = xs.Max(x => x.Rank);
        var dims = new long[rank];
        for (int d = 0; d < rank; d++)
        {
            dims[d] = 1;
            foreach (F64 x in xs)
            {
                int k = d - (rank - x.Rank);
                long size = k >= 0 ? x.Dims[k] : 1;
                if (size != 1)
                {
                    dims[d] = dims[d] == 1 || dims[d] == size ? size
                        : throw new InvalidOperationException($"cannot broadcast {string.Join(" and ", xs.Select(v => v.ToString()))}");
                }
            }
        }

        var output = F64.Zeros(dims);
        long[] outStrides = Broadcasting.Strides(dims);
        long[][] strides = [.. xs.Select(x => Broadcasting.Strides(x.Dims))];
        var args = new double[xs.Length];
        for (int i = 0; i < output.Count; i++)
        {
            for (int j = 0; j < xs.Length; j++)
            {
                long offset = 0;
                for (int d = 0; d < rank; d++)
                {
                    int k = d - (rank - xs[j].Rank);
                    if (k >= 0 && xs[j].Dims[k] != 1)
                    {
                        offset += (i / outStrides[d] % dims[d]) * strides[j][k];
                    }
                }

                args[j] = xs[j].Data[offset];
            }

            output.Data[i] = f(args);
        }

        return output;
    }

    /// <summary>erf by its Maclaurin series (|x| ≤ 3) or continued fraction, accurate to ~1e-15.</summary>
    private static double Erf(double x)
    {
        double ax = Math.Abs(x);
        if (ax > 3)
        {
            // erfc(x) = e^{-x²}/√π · 1/(x + 1/2/(x + 1/(x + 3/2/(x + ...)))) , evaluated bottom up.
            double frac = 0;
            for (int k = 60; k >= 1; k--)
            {
                frac = k / 2.0 / (ax + frac);
            }

            double erfc = Math.Exp(-ax * ax) / Math.Sqrt(Math.PI) / (ax + frac);
            return Math.Sign(x) * (1 - erfc);
        }

        double sum = 0, term = x;
        for (int n = 0; n < 200; n++)
        {
            sum += term / ((2 * n) + 1);
            term *= -x * x / (n + 1);
            if (Math.Abs(term) < 1e-17)
            {
                break;
            }
        }

        return 2 / Math.Sqrt(Math.PI) * sum;
    }

    private static F64 MatMul(F64 a, F64 b)
    {
        bool aVector = a.Rank == 1, bVector = b.Rank == 1;
        F64 a2 = aVector ? Reshaped(a, [1, a.Dims[0]]) : a;
        F64 b2 = bVector ? Reshaped(b, [b.Dims[0], 1]) : b;
        long m = a2.Dims[^2], k = a2.Dims[^1], n = b2.Dims[^1];
        if (b2.Dims[^2] != k)
        {
            throw new InvalidOperationException($"MatMul {a} by {b}");
        }

        // Broadcast the batch dims by broadcasting index tensors over them.
        long[] aBatch = a2.Dims[..^2], bBatch = b2.Dims[..^2];
        var aIndex = new F64(aBatch, [.. Enumerable.Range(0, (int)TensorData.CountElements(aBatch)).Select(i => (double)i)]);
        var bIndex = new F64(bBatch, [.. Enumerable.Range(0, (int)TensorData.CountElements(bBatch)).Select(i => (double)i)]);
        F64 pairs = Broadcast([aIndex, bIndex], v => (v[0] * 1e6) + v[1]);
        var output = F64.Zeros([.. pairs.Dims, m, n]);
        for (int p = 0; p < pairs.Count; p++)
        {
            long ai = (long)(pairs.Data[p] / 1e6), bi = (long)pairs.Data[p] % 1000000;
            for (long i = 0; i < m; i++)
            {
                for (long j = 0; j < n; j++)
                {
                    double s = 0;
                    for (long t = 0; t < k; t++)
                    {
                        s += a2.Data[(ai * m * k) + (i * k) + t] * b2.Data[(bi * k * n) + (t * n) + j];
                    }

                    output.Data[(p * m * n) + (i * n) + j] = s;
                }
            }
        }

        List<long> dims = [.. pairs.Dims];
        if (!aVector)
        {
            dims.Add(m);
        }

        if (!bVector)
        {
            dims.Add(n);
        }

        return Reshaped(output, [.. dims]);
    }

    private static F64 Gemm(Node node, F64?[] x)
    {
        F64 a = x[0]!, b = x[1]!;
        bool ta = node.GetInt("transA", 0) != 0, tb = node.GetInt("transB", 0) != 0;
        double alpha = node.GetFloat("alpha", 1f), beta = node.GetFloat("beta", 1f);
        long m = ta ? a.Dims[1] : a.Dims[0], k = ta ? a.Dims[0] : a.Dims[1], n = tb ? b.Dims[0] : b.Dims[1];
        var y = F64.Zeros([m, n]);
        for (long i = 0; i < m; i++)
        {
            for (long j = 0; j < n; j++)
            {
                double s = 0;
                for (long t = 0; t < k; t++)
                {
                    double av = ta ? a.Data[(t * m) + i] : a.Data[(i * k) + t];
                    double bv = tb ? b.Data[(j * k) + t] : b.Data[(t * n) + j];
                    s += av * bv;
                }

                y.Data[(i * n) + j] = alpha * s;
            }
        }

        return x.Length > 2 && x[2] is { } c ? Broadcast([y, c], v => v[0] + (beta * v[1])) : y;
    }

    private static F64 Reduce(Node node, F64?[] x, long axesInputFrom, bool mean)
    {
        F64 input = x[0]!;
        long opset = node.Graph.Model.OpsetVersion("") ?? 13;
        long[] axes = opset >= axesInputFrom
            ? x.Length > 1 && x[1] is { } ax ? ax.ToInt64s() : []
            : node.GetInts("axes") is { } attr ? [.. attr] : [];
        if (axes.Length == 0)
        {
            if (opset >= axesInputFrom && node.GetInt("noop_with_empty_axes", 0) != 0)
            {
                return input.Clone();
            }

            axes = [.. Enumerable.Range(0, input.Rank).Select(i => (long)i)];
        }

        bool[] reduced = new bool[input.Rank];
        foreach (long a in axes)
        {
            reduced[a < 0 ? a + input.Rank : a] = true;
        }

        long[] keptDims = [.. input.Dims.Select((d, i) => reduced[i] ? 1 : d)];
        var output = F64.Zeros(keptDims);
        long[] inStrides = Broadcasting.Strides(input.Dims), outStrides = Broadcasting.Strides(keptDims);
        for (int i = 0; i < input.Count; i++)
        {
            long o = 0;
            for (int d = 0; d < input.Rank; d++)
            {
                if (!reduced[d])
                {
                    o += i / inStrides[d] % input.Dims[d] * outStrides[d];
                }
            }

            output.Data[o] += input.Data[i];
        }

        if (mean)
        {
            double count = (double)input.Count / output.Count;
            for (int i = 0; i < output.Count; i++)
            {
                output.Data[i] /= count;
            }
        }

        return node.GetInt("keepdims", 1) != 0 ? output
            : Reshaped(output, [.. input.Dims.Where((_, i) => !reduced[i])]);
    }

    private static F64 Softmax(F64 x, int axis, bool log)
    {
        int a = axis < 0 ? axis + x.Rank : axis;
        long size = x.Dims[a], inner = Broadcasting.Strides(x.Dims)[a], outer = x.Count / (size * inner);
        var y = F64.Zeros(x.Dims);
        for (long o = 0; o < outer; o++)
        {
            for (long i = 0; i < inner; i++)
            {
                long Index(long j) => (o * size * inner) + (j * inner) + i;
                double max = double.NegativeInfinity;
                for (long j = 0; j < size; j++)
                {
                    max = Math.Max(max, x.Data[Index(j)]);
                }

                double sum = 0;
                for (long j = 0; j < size; j++)
                {
                    sum += Math.Exp(x.Data[Index(j)] - max);
                }

                for (long j = 0; j < size; j++)
                {
                    double shifted = x.Data[Index(j)] - max;
                    y.Data[Index(j)] = log ? shifted - Math.Log(sum) : Math.Exp(shifted) / sum;
                }
            }
        }

        return y;
    }

    private static F64 ConstantOfShape(Node node, F64 shape)
    {
        double fill = node.Attribute("value")?.T is { } t ? t.ToDoubles()[0] : 0;
        var y = F64.Zeros(shape.ToInt64s());
        Array.Fill(y.Data, fill);
        return y;
    }

    private static F64 Expand(F64 x, long[] shape)
    {
        var target = F64.Zeros(shape);
        return Broadcast([x, target], v => v[0]);
    }

    private static F64 Reshaped(F64 x, long[] dims) => new(dims, [.. x.Data]);

    private static long[] ReshapeDims(F64 x, long[] shape)
    {
        long[] dims = [.. shape.Select((d, i) => d == 0 ? x.Dims[i] : d)];
        int unknown = Array.IndexOf(dims, -1L);
        if (unknown >= 0)
        {
            dims[unknown] = x.Count / dims.Where((_, i) => i != unknown).Aggregate(1L, (p, d) => p * d);
        }

        return dims;
    }

    private static F64 Flatten(Node node, F64 x)
    {
        long axis = node.GetInt("axis", 1);
        int a = (int)(axis < 0 ? axis + x.Rank : axis);
        long outer = x.Dims[..a].Aggregate(1L, (p, d) => p * d);
        return Reshaped(x, [outer, x.Count / outer]);
    }

    private static long[] AxesOf(Node node, F64?[] x, int rank) =>
        [.. ((node.Graph.Model.OpsetVersion("") ?? 13) >= 13
            ? x.Length > 1 && x[1] is { } a ? a.ToInt64s() : null
            : node.GetInts("axes") is { } attr ? [.. attr] : null)?.Select(v => v < 0 ? v + rank : v) ?? []];

    private static F64 Squeeze(Node node, F64?[] x)
    {
        F64 input = x[0]!;
        long[] axes = AxesOf(node, x, input.Rank);
        return Reshaped(input, [.. input.Dims.Where((d, i) => axes.Length == 0 ? d != 1 : !axes.Contains(i))]);
    }

    private static F64 Unsqueeze(Node node, F64?[] x)
    {
        F64 input = x[0]!;
        long[] axes = AxesOf(node, x, input.Rank + (x.Length > 1 && x[1] is { } a ? a.Count : node.GetInts("axes")?.Length ?? 0));
        var dims = new List<long>(input.Dims);
        foreach (long axis in axes.Order())
        {
            dims.Insert((int)axis, 1);
        }

        return Reshaped(input, [.. dims]);
    }
}
