// A model: the main graph, opset imports, model-local functions and the model's metadata.
using System.Collections.Immutable;
using Google.Protobuf;

namespace Onnxc.GraphIR;

/// <summary>
/// The root of the IR. It owns the change counter that every mutation of any of its graphs increments, and the
/// set of value names used anywhere in it, from which <see cref="FreshName"/> makes new unique ones.
/// </summary>
public sealed class Model
{
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);
    private readonly List<FunctionDef> _functions = [];
    private ImmutableArray<OpsetImport> _opsets = [];

    public Model(string graphName = "main")
    {
        Graph = new Graph(this, graphName);
    }

    public Graph Graph { get; }

    public long IrVersion { get; set; } = 8;

    public ImmutableArray<OpsetImport> Opsets => _opsets;

    public string? ProducerName { get; set; }

    public string? ProducerVersion { get; set; }

    public string? Domain { get; set; }

    public long? ModelVersion { get; set; }

    public string? DocString { get; set; }

    public ImmutableArray<KeyValuePair<string, string>> Metadata { get; set; } = [];

    public IReadOnlyList<FunctionDef> Functions => _functions;

    /// <summary>Serialized TrainingInfoProto entries, kept as they came.</summary>
    public ImmutableArray<ByteString> TrainingInfo { get; set; } = [];

    /// <summary>Serialized DeviceConfigurationProto entries, kept as they came.</summary>
    public ImmutableArray<ByteString> DeviceConfigurations { get; set; } = [];

    public ReadOnlyMemory<byte> UnknownFields { get; set; }

    /// <summary>How many changes have been made to this model through the mutation API so far.</summary>
    public long ChangeCount { get; private set; }

    /// <summary>The version of <paramref name="domain"/> this model imports, or null.</summary>
    public long? OpsetVersion(string domain = "")
    {
        bool isDefault = domain is "" or "ai.onnx";
        foreach (OpsetImport o in _opsets)
        {
            if (o.Domain == domain || (isDefault && o.IsDefaultDomain))
            {
                return o.Version;
            }
        }

        return null;
    }

    /// <summary>Sets the imported version of a domain (adding the import if missing).</summary>
    public void SetOpset(string domain, long version)
    {
        bool isDefault = domain is "" or "ai.onnx";
        int at = _opsets.IndexOf(_opsets.FirstOrDefault(o => o.Domain == domain || (isDefault && o.IsDefaultDomain))!);
        ImmutableArray<OpsetImport> next = at >= 0
            ? _opsets.SetItem(at, _opsets[at] with { Version = version })
            : _opsets.Add(new OpsetImport(domain, version));
        if (next != _opsets)
        {
            _opsets = next;
            CountChange();
        }
    }

    /// <summary>Replaces the opset imports as a whole (the importer uses this to keep their order).</summary>
    public void SetOpsets(IEnumerable<OpsetImport> opsets)
    {
        _opsets = [.. opsets];
        CountChange();
    }

    public void AddFunction(FunctionDef function)
    {
        _functions.Add(function);
        CountChange();
    }

    public FunctionDef? FindFunction(string domain, string name, string? overload = null) =>
        _functions.FirstOrDefault(f => f.Domain == domain && f.Name == name && (f.Overload ?? "") == (overload ?? ""));

    /// <summary>A value name not used anywhere in the model, made from <paramref name="hint"/>.</summary>
    public string FreshName(string hint)
    {
        if (string.IsNullOrEmpty(hint))
        {
            hint = "v";
        }

        if (_names.Add(hint))
        {
            return hint;
        }

        for (int i = 1; ; i++)
        {
            string candidate = $"{hint}_{i}";
            if (_names.Add(candidate))
            {
                return candidate;
            }
        }
    }

    /// <summary>Every graph of the model: the main graph, its subgraphs, function bodies and theirs.</summary>
    public IEnumerable<Graph> AllGraphs()
    {
        foreach (Graph g in Graph.SelfAndSubgraphs())
        {
            yield return g;
        }

        foreach (FunctionDef f in _functions)
        {
            foreach (Graph g in f.Body.SelfAndSubgraphs())
            {
                yield return g;
            }
        }
    }

    /// <summary>A deep copy of this model: new graphs, nodes and values sharing its immutable tensors and types.</summary>
    public Model Clone() => ModelCloner.Clone(this, out _);

    /// <summary>A deep copy, and the map from each value of this model (in every graph) to its copy.</summary>
    public Model Clone(out IReadOnlyDictionary<Value, Value> values) => ModelCloner.Clone(this, out values);

    /// <summary>Creates a graph owned by this model, for a subgraph attribute or a function body.</summary>
    public Graph CreateGraph(string name) => new(this, name);

    internal void ReserveName(string name) => _names.Add(name);

    internal void CountChange() => ChangeCount++;
}
