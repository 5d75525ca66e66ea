// A node of the graph: an operator applied to input values, producing output values.
using System.Collections.Immutable;
using Google.Protobuf;

namespace Onnxc.GraphIR;

/// <summary>
/// A node is an identity. Inputs and outputs are values (null for an omitted optional input or output, which ONNX
/// writes as an empty name). Attributes are immutable records. Change a node only through <see cref="Graph"/>.
/// </summary>
public sealed class Node
{
    internal readonly List<Value?> _inputs = [];
    internal readonly List<Value?> _outputs = [];
    internal readonly List<NodeAttribute> _attributes = [];

    internal Node(Graph graph, string opType, string domain, string name)
    {
        Graph = graph;
        OpType = opType;
        Domain = domain;
        Name = name;
    }

    public Graph Graph { get; internal set; }

    public string OpType { get; internal set; }

    /// <summary>The operator's domain; "" is the default ONNX domain.</summary>
    public string Domain { get; internal set; }

    /// <summary>The node's name; may be empty in the file (the importer keeps it as it was).</summary>
    public string Name { get; internal set; }

    public string? Overload { get; internal set; }

    public string? DocString { get; internal set; }

    public ImmutableArray<KeyValuePair<string, string>> Metadata { get; internal set; } = [];

    /// <summary>Serialized NodeDeviceConfigurationProto entries, kept as they came.</summary>
    public ImmutableArray<ByteString> DeviceConfigurations { get; internal set; } = [];

    public ReadOnlyMemory<byte> UnknownFields { get; internal set; }

    public IReadOnlyList<Value?> Inputs => _inputs;

    public IReadOnlyList<Value?> Outputs => _outputs;

    public IReadOnlyList<NodeAttribute> Attributes => _attributes;

    /// <summary>True once the node was removed from its graph; a removed node must not be used again.</summary>
    public bool IsRemoved { get; internal set; }

    public bool IsDefaultDomain => Domain is "" or "ai.onnx";

    /// <summary>The input at <paramref name="index"/>, or null when it is absent or omitted.</summary>
    public Value? Input(int index) => index < _inputs.Count ? _inputs[index] : null;

    public Value? Output(int index) => index < _outputs.Count ? _outputs[index] : null;

    public NodeAttribute? Attribute(string name)
    {
        foreach (NodeAttribute a in _attributes)
        {
            if (a.Name == name)
            {
                return a;
            }
        }

        return null;
    }

    public long GetInt(string name, long defaultValue) => Attribute(name) is { Kind: AttributeKind.Int } a ? a.I : defaultValue;

    public float GetFloat(string name, float defaultValue) => Attribute(name) is { Kind: AttributeKind.Float } a ? a.F : defaultValue;

    public string GetString(string name, string defaultValue) =>
        Attribute(name) is { Kind: AttributeKind.String } a ? a.StringValue : defaultValue;

    public ImmutableArray<long>? GetInts(string name) => Attribute(name) is { Kind: AttributeKind.Ints } a ? a.Ints : null;

    public ImmutableArray<float>? GetFloats(string name) => Attribute(name) is { Kind: AttributeKind.Floats } a ? a.Floats : null;

    /// <summary>The subgraphs held by this node's attributes (If branches, Loop and Scan bodies).</summary>
    public IEnumerable<Graph> Subgraphs
    {
        get
        {
            foreach (NodeAttribute a in _attributes)
            {
                if (a.G is not null)
                {
                    yield return a.G;
                }

                foreach (Graph g in a.Graphs)
                {
                    yield return g;
                }
            }
        }
    }

    /// <summary>A short description for error messages: the name when there is one, else op type and first output.</summary>
    public string Describe()
    {
        if (!string.IsNullOrEmpty(Name))
        {
            return $"'{Name}' ({OpType})";
        }

        Value? first = _outputs.FirstOrDefault(o => o is not null);
        return first is null ? OpType : $"{OpType} -> '{first.Name}'";
    }

    public override string ToString() => Describe();
}
