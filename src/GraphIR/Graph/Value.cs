// A value of the graph: a graph input, an initializer or a node output, with its type and its uses.
using System.Collections.Immutable;

namespace Onnxc.GraphIR;

/// <summary>
/// A value is an identity: nodes refer to it, not to its name. It is produced by at most one node (or is a graph
/// input or an initializer), and it knows every node that reads it, in any graph nested below its own (subgraphs
/// may read outer values). Change it only through <see cref="Graph"/>'s mutation methods, which keep producer and
/// use lists right and count the changes.
/// </summary>
public sealed class Value
{
    internal readonly List<Use> _uses = [];

    internal Value(Graph graph, string name)
    {
        Graph = graph;
        Name = name;
    }

    /// <summary>The graph the value is defined in.</summary>
    public Graph Graph { get; internal set; }

    public string Name { get; internal set; }

    /// <summary>The type, when known (from the model, or inferred).</summary>
    public IrType? Type { get; internal set; }

    /// <summary>
    /// True when <see cref="Type"/> was written by shape inference (a derived fact that a later inference replaces,
    /// and <see cref="Analysis.ShapeInference.Reinfer"/> clears first); false when the model or a pass declared it.
    /// </summary>
    public bool TypeIsInferred { get; internal set; }

    public TensorType? TensorType => Type as TensorType;

    public ElementType ElementType => TensorType?.ElementType ?? ElementType.Undefined;

    public TensorShape? Shape => TensorType?.Shape;

    public Node? Producer { get; internal set; }

    public int ProducerOutputIndex { get; internal set; } = -1;

    /// <summary>The constant data when the value is an initializer.</summary>
    public TensorData? Initializer { get; internal set; }

    /// <summary>A sparse initializer, kept as its serialized SparseTensorProto.</summary>
    public Google.Protobuf.ByteString? SparseInitializer { get; internal set; }

    public IReadOnlyList<Use> Uses => _uses;

    public bool IsInitializer => Initializer is not null || SparseInitializer is not null;

    public bool IsGraphInput => Graph.InputList.Contains(this);

    public bool IsGraphOutput => Graph.OutputList.Contains(this);

    /// <summary>True for an initializer that is not also a graph input (a graph input may override it).</summary>
    public bool IsConstant => Initializer is not null && !IsGraphInput;

    public string? DocString { get; internal set; }

    public ImmutableArray<KeyValuePair<string, string>> Metadata { get; internal set; } = [];

    /// <summary>Unknown fields of the ValueInfoProto that described this value.</summary>
    public ReadOnlyMemory<byte> ValueInfoUnknownFields { get; internal set; }

    /// <summary>Set when the model listed this value in value_info (so export keeps it even if the type is unknown).</summary>
    public bool HadValueInfo { get; internal set; }

    public override string ToString() => "%" + Name;
}
