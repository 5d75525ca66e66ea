// Weight sparsity by magnitude: unstructured (a share of the smallest weights) or 2:4 (two of every four along the input channels).
using System.Globalization;
using Onnxc.GraphIR;
using Onnxc.GraphIR.Analysis;

namespace Onnxc.Passes.Pruning;

/// <summary>Which zeros <see cref="MagnitudeSparsifier"/> makes.</summary>
public enum SparsityPattern
{
    /// <summary>The smallest |w| anywhere in the layer (or, with <see cref="SparsityOptions.Global"/>, the model).</summary>
    Unstructured,

    /// <summary>
    /// In every run of four consecutive input channels at one (output channel, kernel position), the two smallest
    /// |w| become zero: the pattern Ampere's sparse tensor cores skip (exactly 50 %).
    /// </summary>
    TwoOfFour,
}

/// <summary>What <see cref="MagnitudeSparsifier.Sparsify"/> is asked to do.</summary>
public sealed record SparsityOptions
{
    public SparsityPattern Pattern { get; init; } = SparsityPattern.Unstructured;

    /// <summary>Share of each weight's elements to zero, in (0, 1); unstructured only (2:4 is always one half).</summary>
    public double Sparsity { get; init; }

    /// <summary>Unstructured: one magnitude threshold over every layer's weights instead of the same share per layer.</summary>
    public bool Global { get; init; }

    /// <summary>Node or weight names left dense.</summary>
    public IReadOnlyList<string> Exclude { get; init; } = [];

    public void Validate()
    {
        if (Pattern == SparsityPattern.Unstructured && !(Sparsity > 0 && Sparsity < 1))
        {
            throw new PruningException($"--sparsity {Sparsity.ToString(CultureInfo.InvariantCulture)} is outside (0, 1)");
        }
    }
}

/// <param name="Node">The Conv, Gemm or MatMul that reads the weight.</param>
/// <param name="Zeros">Zero elements after the pass (counting any that were zero before).</param>
/// <param name="Skipped">Why the weight was left as it was; null when it was sparsified.</param>
public sealed record LayerSparsity(string Node, string Weight, long Elements, long Zeros, string? Skipped)
{
    public double Sparsity => Elements == 0 ? 0 : (double)Zeros / Elements;
}

/// <summary>Per weight what the pass did, and the totals over the weights it considered.</summary>
public sealed record SparsityReport(SparsityPattern Pattern, IReadOnlyList<LayerSparsity> Layers)
{
    /// <summary>The weights the pass made sparse: the ones whose zeros a recovery fine-tune must keep.</summary>
    public IReadOnlyList<string> SparsifiedWeights => [.. Layers.Where(l => l.Skipped is null).Select(l => l.Weight)];

    public long Elements => Layers.Sum(l => l.Elements);

    public long Zeros => Layers.Sum(l => l.Zeros);

    /// <summary>Lines for people: one per weight, then the total.</summary>
    public IEnumerable<string> Describe()
    {
        string pattern = Pattern == SparsityPattern.TwoOfFour ? "2:4" : "unstructured";
        int width = Layers.Count == 0 ? 0 : Layers.Max(l => l.Node.Length);
        foreach (LayerSparsity l in Layers)
        {
            string what = l.Skipped is null ? string.Empty : $"  dense: {l.Skipped}";
            yield return string.Create(CultureInfo.InvariantCulture, $"  {l.Node.PadRight(width)}  {l.Elements,10:N0} weights  {100 * l.Sparsity,6:F2}% zero{what}");
        }

        double total = Elements == 0 ? 0 : 100.0 * Zeros / Elements;
        yield return string.Create(CultureInfo.InvariantCulture,
            $"sparsity ({pattern}): {Zeros:N0} of {Elements:N0} weights are zero ({total:F2}%) in {SparsifiedWeights.Count} of {Layers.Count} layers");
    }
}

/// <summary>
/// Sets the smallest-magnitude weights of every Conv, Gemm and MatMul with a float initializer weight to zero, in
/// place. The model's structure does not change: ONNX Runtime runs it exactly as fast (it densifies sparse
/// initializers too), so what this buys is a smaller compressed file, the input of sparse kernels (2:4 on Ampere),
/// and — after recovery with the zeros kept (<c>TrainingSetup.KeepZeros</c>) — the accuracy of a sparse model.
/// Ties at the threshold are broken by element order, so the count is exact and the result deterministic.
/// </summary>
public static class MagnitudeSparsifier
{
    public static SparsityReport Sparsify(Model model, SparsityOptions options)
    {
        ArgumentNullException.ThrowIfNull(model);
        options.Validate();
        ShapeInference.Run(model);
        Graph graph = model.Graph;
        ChannelPruner.CheckExcludes(graph, options.Exclude);
        var excluded = new HashSet<string>(options.Exclude, StringComparer.Ordinal);

        var targets = new List<Target>();
        var layers = new List<LayerSparsity>();
        var seen = new HashSet<Value>();
        foreach (Node node in graph.Nodes)
        {
            if (WeightOf(node) is not { } found || !seen.Add(found.Weight))
            {
                continue;
            }

            (Value w, int axis) = found;
            TensorData data = w.Initializer!;
            string? skip = excluded.Contains(node.Name) || excluded.Contains(w.Name) ? "excluded"
                : options.Pattern == SparsityPattern.TwoOfFour ? TwoOfFourObstacle(node, data, axis)
                : null;
            if (skip is not null)
            {
                layers.Add(new LayerSparsity(node.Name, w.Name, data.ElementCount, CountZeros(data.ToFloats()), skip));
                continue;
            }

            targets.Add(new Target(node, w, axis, data.ToFloats()));
        }

        if (targets.Count == 0)
        {
            throw new PruningException("nothing to sparsify: the model has no Conv, Gemm or MatMul with a float weight initializer"
                + (layers.Count > 0 ? $" that can take the pattern ({layers[0].Node}: {layers[0].Skipped})" : string.Empty));
        }

        if (options.Pattern == SparsityPattern.TwoOfFour)
        {
            targets.ForEach(t => TwoOfFour(t.Values, [.. t.Weight.Initializer!.Dims], t.Axis));
        }
        else if (options.Global)
        {
            ZeroSmallest([.. targets.Select(t => t.Values)], options.Sparsity);
        }
        else
        {
            targets.ForEach(t => ZeroSmallest([t.Values], options.Sparsity));
        }

        foreach (Target t in targets)
        {
            graph.SetInitializer(t.Weight, TensorData.FromFloats(t.Weight.Initializer!.Dims.AsSpan(), t.Values));
            layers.Add(new LayerSparsity(t.Node.Name, t.Weight.Name, t.Values.Length, CountZeros(t.Values), null));
        }

        var order = graph.Nodes.Select((n, i) => (n.Name, i)).GroupBy(p => p.Name).ToDictionary(g => g.Key, g => g.First().i, StringComparer.Ordinal);
        return new SparsityReport(options.Pattern, [.. layers.OrderBy(l => order.GetValueOrDefault(l.Node))]);
    }

    /// <summary>
    /// The weight a node multiplies by and the axis its input channels run along: Conv W[M, C/g, k…] axis 1;
    /// Gemm B[K, N] axis 0, or B[N, K] axis 1 with transB; MatMul's constant second operand [K, N] axis 0.
    /// </summary>
    private static (Value Weight, int Axis)? WeightOf(Node node)
    {
        int index = node.OpType switch { "Conv" or "Gemm" or "MatMul" when node.IsDefaultDomain => 1, _ => -1 };
        if (index < 0 || node.Inputs.Count <= index || node.Inputs[index] is not { Initializer: { ElementType: ElementType.Float } data, IsGraphInput: false } w)
        {
            return null;
        }

        return node.OpType switch
        {
            "Conv" when data.Dims.Length >= 3 => (w, 1),
            "Gemm" when data.Dims.Length == 2 => (w, node.GetInt("transB", 0) != 0 ? 1 : 0),
            "MatMul" when data.Dims.Length == 2 => (w, 0),
            _ => null,
        };
    }

    private static string? TwoOfFourObstacle(Node node, TensorData data, int axis)
    {
        long channels = data.Dims[axis];
        if (node.OpType == "Conv" && channels == 1 && node.GetInt("group", 1) > 1)
        {
            return "depthwise (one input channel per group)";
        }

        string per = node.OpType == "Conv" && node.GetInt("group", 1) > 1 ? " per group" : string.Empty;
        return channels % 4 == 0 ? null : $"{channels} input channel{(channels == 1 ? string.Empty : "s")}{per}, not a multiple of 4";
    }

    /// <summary>In each run of 4 along <paramref name="axis"/>, zeroes the two smallest |w| (the earlier one on a tie).</summary>
    private static void TwoOfFour(float[] w, IReadOnlyList<long> dims, int axis)
    {
        long inner = 1;
        for (int d = axis + 1; d < dims.Count; d++)
        {
            inner *= dims[d];
        }

        long channels = dims[axis];
        long outer = w.Length / (channels * inner);
        Span<long> at = stackalloc long[4];
        for (long o = 0; o < outer; o++)
        {
            for (long c = 0; c < channels; c += 4)
            {
                for (long i = 0; i < inner; i++)
                {
                    for (int j = 0; j < 4; j++)
                    {
                        at[j] = (((o * channels) + c + j) * inner) + i;
                    }

                    // Sort the four positions by (|w|, position) and zero the first two.
                    for (int a = 1; a < 4; a++)
                    {
                        for (int b = a; b > 0 && Smaller(w, at[b], at[b - 1]); b--)
                        {
                            (at[b], at[b - 1]) = (at[b - 1], at[b]);
                        }
                    }

                    w[at[0]] = 0;
                    w[at[1]] = 0;
                }
            }
        }
    }

    private static bool Smaller(float[] w, long a, long b)
    {
        float x = Math.Abs(w[a]);
        float y = Math.Abs(w[b]);
        return x < y || (x == y && a < b);
    }

    /// <summary>Zeroes round(share · n) of the smallest |w| over all of <paramref name="tensors"/> together.</summary>
    private static void ZeroSmallest(float[][] tensors, double share)
    {
        long n = tensors.Sum(t => (long)t.Length);
        long k = (long)Math.Round(share * n);
        var order = new (float Magnitude, int Tensor, int Index)[n];
        long p = 0;
        for (int t = 0; t < tensors.Length; t++)
        {
            for (int i = 0; i < tensors[t].Length; i++)
            {
                order[p++] = (Math.Abs(tensors[t][i]), t, i);
            }
        }

        Array.Sort(order, (a, b) => a.Magnitude != b.Magnitude ? a.Magnitude.CompareTo(b.Magnitude)
            : a.Tensor != b.Tensor ? a.Tensor.CompareTo(b.Tensor) : a.Index.CompareTo(b.Index));
        for (long i = 0; i < k; i++)
        {
            tensors[order[i].Tensor][order[i].Index] = 0;
        }
    }

    private static long CountZeros(float[] w) => w.LongCount(x => x == 0);

    private sealed record Target(Node Node, Value Weight, int Axis, float[] Values);
}
