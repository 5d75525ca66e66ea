// Runs a forward graph in float64 with plain loops, as the independent side of the gradient checks.
using Onnxc.GraphIR;

namespace Onnxc.Passes.Tests.Training.Reference;

/// <summary>
/// A slow, obvious float64 interpreter for the forward ops the gradient rules cover. It shares no code with the
/// rules or with ONNX Runtime, so central finite differences through it check the emitted gradients
/// independently. One partial file per family of ops registers its kernels.
/// </summary>
internal static partial class Float64Evaluator
{
    /// <summary>An op kernel: the node (for attributes), its inputs (null when omitted), its outputs.</summary>
    public delegate F64[] Kernel(Node node, F64?[] inputs);

    private static readonly Dictionary<string, Kernel> s_kernels = CreateKernels();
    private static readonly Dictionary<string, Kernel> s_trainingKernels = CreateTrainingKernels();

    public static bool Supports(string opType) => s_kernels.ContainsKey(opType);

    /// <summary>
    /// Evaluates every node of <paramref name="graph"/> in topological order. Initializers are read from the graph
    /// unless <paramref name="feeds"/> overrides them; graph inputs must be fed. Returns every computed value.
    /// </summary>
    public static Dictionary<Value, F64> Run(Graph graph, IReadOnlyDictionary<Value, F64> feeds) => Run(graph, feeds, s_kernels);

    /// <summary>As <see cref="Run(Graph, IReadOnlyDictionary{Value, F64})"/>, with nodes in their training form (BatchNormalization on batch statistics).</summary>
    public static Dictionary<Value, F64> RunTraining(Graph graph, IReadOnlyDictionary<Value, F64> feeds) => Run(graph, feeds, s_trainingKernels);

    private static Dictionary<Value, F64> Run(Graph graph, IReadOnlyDictionary<Value, F64> feeds, Dictionary<string, Kernel> kernels)
    {
        var env = new Dictionary<Value, F64>();
        foreach (Value init in graph.Initializers)
        {
            env[init] = feeds.TryGetValue(init, out F64? f) ? f : F64.From(init.Initializer!);
        }

        foreach ((Value v, F64 f) in feeds)
        {
            env[v] = f;
        }

        List<Node> order = graph.TopologicalOrder(out _) ?? throw new InvalidOperationException("cycle");
        foreach (Node n in order)
        {
            if (!kernels.TryGetValue(n.OpType, out Kernel? kernel))
            {
                throw new NotSupportedException($"the float64 reference has no {n.OpType}");
            }

            F64?[] inputs = [.. n.Inputs.Select(i => i is null ? null : env.TryGetValue(i, out F64? x) ? x
                : throw new InvalidOperationException($"{n.Describe()} reads {i.Name}, which has no value"))];
            F64[] outputs = kernel(n, inputs);
            for (int k = 0; k < n.Outputs.Count && k < outputs.Length; k++)
            {
                if (n.Outputs[k] is { } o)
                {
                    env[o] = outputs[k];
                }
            }
        }

        return env;
    }

    private static Dictionary<string, Kernel> CreateKernels()
    {
        var kernels = new Dictionary<string, Kernel>(StringComparer.Ordinal);
        AddMathKernels(kernels);
        AddNeuralNetworkKernels(kernels);
        return kernels;
    }

    private static Dictionary<string, Kernel> CreateTrainingKernels()
    {
        var kernels = new Dictionary<string, Kernel>(CreateKernels(), StringComparer.Ordinal)
        {
            ["BatchNormalization"] = BatchNormOnBatchStatistics,
        };
        return kernels;
    }

    /// <summary>Elementwise, activations, MatMul/Gemm, reductions, softmax, shape and data movement.</summary>
    static partial void AddMathKernels(Dictionary<string, Kernel> kernels);

    /// <summary>Convolution, pooling, normalization, dropout, padding, fake quantization.</summary>
    static partial void AddNeuralNetworkKernels(Dictionary<string, Kernel> kernels);
}
