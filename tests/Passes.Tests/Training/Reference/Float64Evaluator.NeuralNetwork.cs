// Float64 kernels for convolution, pooling and inference BatchNormalization, as direct loops over windows.
using Onnxc.GraphIR;

namespace Onnxc.Passes.Tests.Training.Reference;

internal static partial class Float64Evaluator
{
    static partial void AddNeuralNetworkKernels(Dictionary<string, Kernel> kernels)
    {
        kernels["Conv"] = (n, x) => [Conv(n, x[0]!, x[1]!, x.Length > 2 ? x[2] : null)];
        kernels["MaxPool"] = (n, x) => [Pool(n, x[0]!, max: true)];
        kernels["AveragePool"] = (n, x) => [Pool(n, x[0]!, max: false)];
        kernels["GlobalAveragePool"] = (_, x) => [GlobalAverage(x[0]!)];
        kernels["BatchNormalization"] = (n, x) => [BatchNormInference(n, x)];
        kernels["ConvTranspose"] = (n, x) => [ConvTranspose(n, x[0]!, x[1]!, x.Length > 2 ? x[2] : null)];
        kernels["LayerNormalization"] = (n, x) => [LayerNorm(n, x)];
        kernels["Dropout"] = (_, x) => [x[0]!.Clone()];
    }

    /// <summary>The explicit per-axis window geometry of a node for spatial input dims <paramref name="s"/>.</summary>
    private static (long[] K, long[] Stride, long[] Begin, long[] End, long[] Dil) Window(Node n, long[] s, long[] k)
    {
        int r = s.Length;
        long[] stride = n.GetInts("strides") is { } st ? [.. st] : [.. Enumerable.Repeat(1L, r)];
        long[] dil = n.GetInts("dilations") is { } d ? [.. d] : [.. Enumerable.Repeat(1L, r)];
        var begin = new long[r];
        var end = new long[r];
        string autoPad = n.GetString("auto_pad", "NOTSET");
        for (int i = 0; i < r; i++)
        {
            if (autoPad is "SAME_UPPER" or "SAME_LOWER")
            {
                long o = (s[i] + stride[i] - 1) / stride[i];
                long total = Math.Max(0, ((o - 1) * stride[i]) + ((k[i] - 1) * dil[i]) + 1 - s[i]);
                begin[i] = autoPad == "SAME_UPPER" ? total / 2 : total - (total / 2);
                end[i] = total - begin[i];
            }
            else if (n.GetInts("pads") is { } p && autoPad == "NOTSET")
            {
                begin[i] = p[i];
                end[i] = p[i + r];
            }
        }

        return (k, stride, begin, end, dil);
    }

    /// <summary>Iterates every position of a box of dims <paramref name="dims"/> in row-major order.</summary>
    private static IEnumerable<long[]> Positions(long[] dims)
    {
        var p = new long[dims.Length];
        long total = dims.Aggregate(1L, (a, d) => a * d);
        for (long flat = 0; flat < total; flat++)
        {
            long rest = flat;
            for (int i = dims.Length - 1; i >= 0; i--)
            {
                p[i] = rest % dims[i];
                rest /= dims[i];
            }

            yield return p;
        }
    }

    private static long Flat(long[] dims, long[] index)
    {
        long f = 0;
        for (int i = 0; i < dims.Length; i++)
        {
            f = (f * dims[i]) + index[i];
        }

        return f;
    }

    private static F64 Conv(Node n, F64 x, F64 w, F64? b)
    {
        long batch = x.Dims[0], c = x.Dims[1], m = w.Dims[0];
        long[] s = x.Dims[2..];
        long[] k = w.Dims[2..];
        long g = n.GetInt("group", 1);
        var (_, stride, begin, end, dil) = Window(n, s, k);
        int r = s.Length;
        long[] o = [.. Enumerable.Range(0, r).Select(i => ((s[i] + begin[i] + end[i] - (((k[i] - 1) * dil[i]) + 1)) / stride[i]) + 1)];
        long cg = c / g, mg = m / g;
        long[] yDims = [batch, m, .. o];
        var y = new double[yDims.Aggregate(1L, (a, d) => a * d)];
        var xi = new long[r + 2];
        var wi = new long[r + 2];
        foreach (long[] yi in Positions(yDims))
        {
            long group = yi[1] / mg;
            double sum = b is null ? 0 : b.Data[yi[1]];
            for (long ci = 0; ci < cg; ci++)
            {
                foreach (long[] ki in Positions(k))
                {
                    bool inside = true;
                    for (int a = 0; a < r; a++)
                    {
                        long pos = (yi[2 + a] * stride[a]) + (ki[a] * dil[a]) - begin[a];
                        inside &= pos >= 0 && pos < s[a];
                        xi[2 + a] = pos;
                        wi[2 + a] = ki[a];
                    }

                    if (!inside)
                    {
                        continue;
                    }

                    xi[0] = yi[0];
                    xi[1] = (group * cg) + ci;
                    wi[0] = yi[1];
                    wi[1] = ci;
                    sum += x.Data[Flat(x.Dims, xi)] * w.Data[Flat(w.Dims, wi)];
                }
            }

            y[Flat(yDims, yi)] = sum;
        }

        return new F64(yDims, y);
    }

    private static F64 Pool(Node n, F64 x, bool max)
    {
        long[] s = x.Dims[2..];
        long[] k = [.. n.GetInts("kernel_shape")!.Value];
        var (_, stride, begin, end, dil) = Window(n, s, k);
        int r = s.Length;
        bool ceil = n.GetInt("ceil_mode", 0) != 0;
        long[] o = [.. Enumerable.Range(0, r).Select(i =>
        {
            double span = (double)(s[i] + begin[i] + end[i] - (((k[i] - 1) * dil[i]) + 1)) / stride[i];
            return (long)(ceil ? Math.Ceiling(span) : Math.Floor(span)) + 1;
        })];
        bool includePad = n.GetInt("count_include_pad", 0) != 0;
        long[] yDims = [x.Dims[0], x.Dims[1], .. o];
        var y = new double[yDims.Aggregate(1L, (a, d) => a * d)];
        var xi = new long[r + 2];
        foreach (long[] yi in Positions(yDims))
        {
            double acc = max ? double.NegativeInfinity : 0;
            long count = 0;
            foreach (long[] ki in Positions(k))
            {
                bool inside = true;
                bool inPadded = true;
                for (int a = 0; a < r; a++)
                {
                    long pos = (yi[2 + a] * stride[a]) + (ki[a] * dil[a]) - begin[a];
                    inside &= pos >= 0 && pos < s[a];
                    inPadded &= pos < s[a] + end[a];
                    xi[2 + a] = pos;
                }

                if (inside)
                {
                    xi[0] = yi[0];
                    xi[1] = yi[1];
                    double v = x.Data[Flat(x.Dims, xi)];
                    acc = max ? Math.Max(acc, v) : acc + v;
                    count++;
                }
                else if (includePad && inPadded)
                {
                    count++;
                }
            }

            y[Flat(yDims, yi)] = max ? acc : acc / count;
        }

        return new F64(yDims, y);
    }

    private static F64 GlobalAverage(F64 x)
    {
        long plane = x.Count / (x.Dims[0] * x.Dims[1]);
        long[] yDims = [x.Dims[0], x.Dims[1], .. Enumerable.Repeat(1L, x.Rank - 2)];
        var y = new double[x.Dims[0] * x.Dims[1]];
        for (long i = 0; i < y.Length; i++)
        {
            double sum = 0;
            for (long j = 0; j < plane; j++)
            {
                sum += x.Data[(i * plane) + j];
            }

            y[i] = sum / plane;
        }

        return new F64(yDims, y);
    }

    /// <summary>Y = (X − mean)/√(var + ε)·γ + β per channel, with the stored statistics.</summary>
    private static F64 BatchNormInference(Node n, F64?[] x)
    {
        F64 input = x[0]!;
        double eps = n.GetFloat("epsilon", 1e-5f);
        long c = input.Dims[1];
        long plane = input.Count / (input.Dims[0] * c);
        var y = new double[input.Count];
        for (long i = 0; i < input.Count; i++)
        {
            long ch = i / plane % c;
            y[i] = ((input.Data[i] - x[3]!.Data[ch]) / Math.Sqrt(x[4]!.Data[ch] + eps) * x[1]!.Data[ch]) + x[2]!.Data[ch];
        }

        return new F64([.. input.Dims], y);
    }

    /// <summary>Y[n,m,i·s + k·d − p_b] += X[n,c,i]·W[c,m',k] (+ B[m]), scattered from every input position.</summary>
    private static F64 ConvTranspose(Node n, F64 x, F64 w, F64? b)
    {
        long batch = x.Dims[0], c = x.Dims[1];
        long g = n.GetInt("group", 1);
        long mg = w.Dims[1], m = mg * g, cg = c / g;
        long[] s = x.Dims[2..];
        long[] k = w.Dims[2..];
        int r = s.Length;
        var (_, stride, begin, end, dil) = Window(n, s, k);
        long[] outPad = n.GetInts("output_padding") is { } op ? [.. op] : new long[r];
        long[] o = [.. Enumerable.Range(0, r).Select(i => (stride[i] * (s[i] - 1)) + outPad[i] + ((k[i] - 1) * dil[i]) + 1 - begin[i] - end[i])];
        long[] yDims = [batch, m, .. o];
        var y = new double[yDims.Aggregate(1L, (a, d) => a * d)];
        if (b is not null)
        {
            long plane = y.Length / (batch * m);
            for (long i = 0; i < y.Length; i++)
            {
                y[i] = b.Data[i / plane % m];
            }
        }

        var yi = new long[r + 2];
        var wi = new long[r + 2];
        foreach (long[] xi in Positions(x.Dims))
        {
            double v = x.Data[Flat(x.Dims, xi)];
            long group = xi[1] / cg;
            for (long mi = 0; mi < mg; mi++)
            {
                foreach (long[] ki in Positions(k))
                {
                    bool inside = true;
                    for (int a = 0; a < r; a++)
                    {
                        long pos = (xi[2 + a] * stride[a]) + (ki[a] * dil[a]) - begin[a];
                        inside &= pos >= 0 && pos < o[a];
                        yi[2 + a] = pos;
                        wi[2 + a] = ki[a];
                    }

                    if (!inside)
                    {
                        continue;
                    }

                    yi[0] = xi[0];
                    yi[1] = (group * mg) + mi;
                    wi[0] = xi[1];
                    wi[1] = mi;
                    y[Flat(yDims, yi)] += v * w.Data[Flat(w.Dims, wi)];
                }
            }
        }

        return new F64(yDims, y);
    }

    /// <summary>Y = (X − μ)/√(σ² + ε)·γ + β over the trailing axes from axis; γ and β broadcast over them.</summary>
    private static F64 LayerNorm(Node n, F64?[] x)
    {
        F64 input = x[0]!;
        int rank = input.Rank;
        long axis = n.GetInt("axis", -1);
        int a0 = (int)(axis < 0 ? axis + rank : axis);
        long inner = input.Dims[a0..].Aggregate(1L, (p, d) => p * d);
        double eps = n.GetFloat("epsilon", 1e-5f);
        F64 gamma = Expand(x[1]!, input.Dims[a0..]);
        F64? beta = x.Length > 2 && x[2] is { } bt ? Expand(bt, input.Dims[a0..]) : null;
        var y = new double[input.Count];
        for (long row = 0; row < input.Count / inner; row++)
        {
            double mean = 0, variance = 0;
            for (long j = 0; j < inner; j++)
            {
                mean += input.Data[(row * inner) + j];
            }

            mean /= inner;
            for (long j = 0; j < inner; j++)
            {
                double d = input.Data[(row * inner) + j] - mean;
                variance += d * d;
            }

            variance /= inner;
            double rs = 1 / Math.Sqrt(variance + eps);
            for (long j = 0; j < inner; j++)
            {
                y[(row * inner) + j] = ((input.Data[(row * inner) + j] - mean) * rs * gamma.Data[j]) + (beta?.Data[j] ?? 0);
            }
        }

        return new F64([.. input.Dims], y);
    }
}
