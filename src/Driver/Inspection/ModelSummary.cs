// The facts `onnxc inspect` reports about a model, computed once and printed as text or JSON.
using Onnxc.GraphIR;
using Onnxc.GraphIR.Analysis;
using Onnxc.GraphIR.Onnx;

namespace Onnxc.Driver.Inspection;

/// <summary>
/// What a model holds, in a fixed order so both printers are stable: same file, same output, byte for byte.
/// Inputs are the graph inputs that are not initializers (IR versions before 4 list weights as inputs too).
/// Nodes are counted in the main graph and its subgraphs; parameters are the elements of the initializers of
/// those graphs; the main graph's sparse initializers count with all their elements, zeros included (a
/// subgraph's count as tensors only).
/// </summary>
internal sealed record ModelSummary
{
    public required string FilePath { get; init; }

    public required long FileBytes { get; init; }

    public required IReadOnlyList<ExternalFile> ExternalDataFiles { get; init; }

    public required long IrVersion { get; init; }

    public required IReadOnlyList<OpsetImport> Opsets { get; init; }

    public string? ProducerName { get; init; }

    public string? ProducerVersion { get; init; }

    public required IReadOnlyList<ValueSummary> Inputs { get; init; }

    public required IReadOnlyList<ValueSummary> Outputs { get; init; }

    public required int NodeCount { get; init; }

    /// <summary>Op types with how many nodes use them: most used first, ties by name.</summary>
    public required IReadOnlyList<OpCount> Ops { get; init; }

    public required int InitializerCount { get; init; }

    public required int SparseInitializerCount { get; init; }

    public required long ParameterCount { get; init; }

    /// <summary>Elements of FLOAT initializers that are exactly zero (what pruning to a sparsity leaves).</summary>
    public required long ZeroFloatParameters { get; init; }

    public required long FloatParameters { get; init; }

    public required long InitializerBytes { get; init; }

    /// <summary>Initializer totals per element type, in ONNX's type-number order.</summary>
    public required IReadOnlyList<ElementTypeTotals> ByElementType { get; init; }

    /// <summary>
    /// Multiply-accumulates of the main graph's Conv/Gemm/MatMul family at batch 1, from inferred shapes; nodes
    /// whose shapes stay unknown are named and not counted.
    /// </summary>
    public required MacCount Macs { get; init; }

    public static ModelSummary Create(Model model, string path)
    {
        var graphs = model.Graph.SelfAndSubgraphs().ToList();
        int sparseCount = graphs.SelectMany(g => g.Initializers).Count(v => v.SparseInitializer is not null);
        SparseStorage.Densify(model); // inspect writes nothing back
        var initializers = graphs.SelectMany(g => g.Initializers).ToList();
        var dense = initializers.Where(v => v.Initializer is not null).Select(v => v.Initializer!).ToList();
        var floats = dense.Where(t => t.ElementType == ElementType.Float && t.Storage is not ExternalTensorStorage).ToList();

        return new ModelSummary
        {
            FilePath = path,
            FileBytes = new FileInfo(path).Length,
            ExternalDataFiles = ExternalFiles(dense),
            IrVersion = model.IrVersion,
            Opsets = model.Opsets,
            ProducerName = model.ProducerName,
            ProducerVersion = model.ProducerVersion,
            Inputs = [.. model.Graph.Inputs.Where(v => !v.IsInitializer).Select(ValueSummary.Of)],
            Outputs = [.. model.Graph.Outputs.Select(ValueSummary.Of)],
            NodeCount = graphs.Sum(g => g.Nodes.Count),
            Ops = [.. graphs.SelectMany(g => g.Nodes)
                .GroupBy(OpName, StringComparer.Ordinal)
                .Select(g => new OpCount(g.Key, g.Count()))
                .OrderByDescending(c => c.Count)
                .ThenBy(c => c.Op, StringComparer.Ordinal)],
            InitializerCount = initializers.Count,
            SparseInitializerCount = sparseCount,
            ParameterCount = dense.Sum(t => t.ElementCount),
            FloatParameters = floats.Sum(t => t.ElementCount),
            ZeroFloatParameters = floats.Sum(t => (long)t.ToFloats().Count(v => v == 0)),
            InitializerBytes = dense.Sum(t => t.Storage.ByteLength),
            ByElementType = [.. dense
                .GroupBy(t => t.ElementType)
                .OrderBy(g => (int)g.Key)
                .Select(g => new ElementTypeTotals(g.Key, g.Count(), g.Sum(t => t.ElementCount), g.Sum(t => t.Storage.ByteLength)))],
            Macs = CountMacs(model),
        };
    }

    /// <summary>Infers shapes (inspect writes nothing back, so filling in types is harmless) and counts.</summary>
    private static MacCount CountMacs(Model model)
    {
        ShapeInference.Run(model);
        return MacCounter.Count(model.Graph);
    }

    /// <summary>An op type as people write it: bare for the default ONNX domain, else "domain:Op".</summary>
    private static string OpName(Node node) => node.IsDefaultDomain ? node.OpType : $"{node.Domain}:{node.OpType}";

    private static List<ExternalFile> ExternalFiles(IEnumerable<TensorData> tensors) =>
        [.. tensors
            .Select(t => t.Storage)
            .OfType<ExternalTensorStorage>()
            .GroupBy(s => s.FilePath, StringComparer.Ordinal)
            .Select(g => new ExternalFile(g.First().Location, File.Exists(g.Key) ? new FileInfo(g.Key).Length : 0, g.Count()))
            .OrderBy(f => f.Location, StringComparer.Ordinal)];

    /// <param name="Location">The data file as the model names it, relative to the model's folder.</param>
    public sealed record ExternalFile(string Location, long Bytes, int Tensors);

    public sealed record OpCount(string Op, int Count);

    public sealed record ElementTypeTotals(ElementType ElementType, int Tensors, long Parameters, long Bytes);
}
