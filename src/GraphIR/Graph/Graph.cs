// A graph: ordered nodes, inputs, outputs and initializers, with the one mutation API of the IR.
using System.Collections.Immutable;
using Google.Protobuf;

namespace Onnxc.GraphIR;

/// <summary>
/// A computation graph (the main graph, a subgraph of If/Loop/Scan, or a function body). Nodes are kept in
/// topological order. Every change to nodes, values and initializers goes through the methods of this class:
/// they keep producer and use lists consistent and count each change in <see cref="Model.ChangeCount"/>, so a
/// pass's "changed" is measured, not self-reported. Type annotations (<see cref="SetType"/>) are derived facts
/// and are not counted.
/// </summary>
public sealed partial class Graph
{
    private readonly List<Node> _nodes = [];
    private readonly Dictionary<string, Value> _values = new(StringComparer.Ordinal);

    internal Graph(Model model, string name)
    {
        Model = model;
        Name = name;
    }

    public Model Model { get; }

    public string Name { get; set; }

    public string? DocString { get; set; }

    public ImmutableArray<KeyValuePair<string, string>> Metadata { get; set; } = [];

    /// <summary>Serialized TensorAnnotation entries (quantization_annotation), kept as they came.</summary>
    public ImmutableArray<ByteString> QuantizationAnnotations { get; set; } = [];

    public ReadOnlyMemory<byte> UnknownFields { get; set; }

    /// <summary>The node whose attribute holds this graph, or null for the main graph and function bodies.</summary>
    public Node? ParentNode { get; internal set; }

    /// <summary>The enclosing graph whose values this graph may read.</summary>
    public Graph? Parent => ParentNode?.Graph;

    internal List<Value> InputList { get; } = [];

    internal List<Value> OutputList { get; } = [];

    internal List<Value> InitializerList { get; } = [];

    public IReadOnlyList<Node> Nodes => _nodes;

    public IReadOnlyList<Value> Inputs => InputList;

    public IReadOnlyList<Value> Outputs => OutputList;

    public IReadOnlyList<Value> Initializers => InitializerList;

    /// <summary>Every value defined in this graph (inputs, initializers, node outputs).</summary>
    public IEnumerable<Value> Values => _values.Values;

    /// <summary>The value of that name defined in this graph, or null.</summary>
    public Value? FindValue(string name) => _values.GetValueOrDefault(name);

    /// <summary>The value of that name visible from this graph: its own, else an enclosing graph's.</summary>
    public Value? Resolve(string name)
    {
        for (Graph? g = this; g is not null; g = g.Parent)
        {
            if (g._values.TryGetValue(name, out Value? v))
            {
                return v;
            }
        }

        return null;
    }

    /// <summary>This graph and every graph nested in its nodes, depth first.</summary>
    public IEnumerable<Graph> SelfAndSubgraphs()
    {
        yield return this;
        foreach (Node node in _nodes)
        {
            foreach (Graph sub in node.Subgraphs)
            {
                foreach (Graph g in sub.SelfAndSubgraphs())
                {
                    yield return g;
                }
            }
        }
    }

    // ----- values -----

    /// <summary>Adds a graph input. The name must be new in this graph.</summary>
    public Value AddInput(string name, IrType? type)
    {
        Value v = NewValue(name);
        v.Type = type;
        InputList.Add(v);
        Model.CountChange();
        return v;
    }

    /// <summary>Makes an existing value (typically an initializer) a graph input too, as IR versions before 4 did.</summary>
    public void AddInput(Value value)
    {
        RequireOwn(value);
        InputList.Add(value);
        Model.CountChange();
    }

    public void RemoveInput(Value value)
    {
        if (InputList.Remove(value))
        {
            if (!value.IsInitializer && value.Uses.Count > 0)
            {
                InputList.Add(value);
                throw new InvalidOperationException($"graph input {value} still has {value.Uses.Count} uses");
            }

            if (!value.IsInitializer)
            {
                Forget(value);
            }

            Model.CountChange();
        }
    }

    /// <summary>Adds a constant initializer under <paramref name="name"/>, which must be new in this graph.</summary>
    public Value AddInitializer(string name, TensorData data)
    {
        Value v = NewValue(name);
        v.Initializer = data;
        v.Type = new TensorType(data.ElementType, data.Shape);
        InitializerList.Add(v);
        Model.CountChange();
        return v;
    }

    /// <summary>Adds a constant initializer under a fresh name made from <paramref name="nameHint"/>.</summary>
    public Value AddConstant(string nameHint, TensorData data) => AddInitializer(Model.FreshName(nameHint), data);

    internal Value AddSparseInitializer(string name, ByteString sparse, IrType? type)
    {
        Value v = NewValue(name);
        v.SparseInitializer = sparse;
        v.Type = type;
        InitializerList.Add(v);
        return v;
    }

    /// <summary>Replaces an initializer's data (types follow the new data).</summary>
    public void SetInitializer(Value value, TensorData data)
    {
        RequireOwn(value);
        if (value.Initializer is null)
        {
            throw new InvalidOperationException($"{value} is not an initializer");
        }

        value.Initializer = data;
        value.Type = new TensorType(data.ElementType, data.Shape);
        Model.CountChange();
    }

    /// <summary>Removes an initializer that nothing reads any more.</summary>
    public void RemoveInitializer(Value value)
    {
        RequireOwn(value);
        if (value.Uses.Count > 0 || value.IsGraphOutput)
        {
            throw new InvalidOperationException($"initializer {value} is still used");
        }

        InitializerList.Remove(value);
        InputList.Remove(value);
        Forget(value);
        Model.CountChange();
    }

    public void AddOutput(Value value)
    {
        OutputList.Add(value);
        Model.CountChange();
    }

    public void SetOutput(int index, Value value)
    {
        if (OutputList[index] != value)
        {
            OutputList[index] = value;
            Model.CountChange();
        }
    }

    public void RemoveOutputAt(int index)
    {
        OutputList.RemoveAt(index);
        Model.CountChange();
    }

    /// <summary>Records a value's type. A derived fact: not counted as a change.</summary>
    public static void SetType(Value value, IrType? type)
    {
        value.Type = type;
        value.TypeIsInferred = false;
    }

    /// <summary>Records a type inference derived (see <see cref="Value.TypeIsInferred"/>); like SetType, not a change of the model.</summary>
    public static void SetInferredType(Value value, IrType? type)
    {
        value.Type = type;
        value.TypeIsInferred = type is not null;
    }

    /// <summary>Renames a value; the new name must be free in this graph.</summary>
    public void Rename(Value value, string newName)
    {
        RequireOwn(value);
        if (value.Name == newName)
        {
            return;
        }

        if (_values.ContainsKey(newName))
        {
            throw new InvalidOperationException($"value name '{newName}' is taken");
        }

        _values.Remove(value.Name);
        value.Name = newName;
        _values.Add(newName, value);
        Model.ReserveName(newName);
        Model.CountChange();
    }

    /// <summary>Sets documentation fields of a value that came from value_info, input or output entries.</summary>
    public static void SetValueInfo(Value value, string? docString, ImmutableArray<KeyValuePair<string, string>> metadata, ReadOnlyMemory<byte> unknownFields)
    {
        value.DocString = docString;
        value.Metadata = metadata.IsDefault ? [] : metadata;
        value.ValueInfoUnknownFields = unknownFields;
        value.HadValueInfo = true;
    }

    /// <summary>The value is no longer described by a value_info entry (its documentation fields go with it); its type stays.</summary>
    public static void ClearValueInfo(Value value)
    {
        value.DocString = null;
        value.Metadata = [];
        value.ValueInfoUnknownFields = default;
        value.HadValueInfo = false;
    }

    private Value NewValue(string name)
    {
        if (string.IsNullOrEmpty(name))
        {
            throw new ArgumentException("a value needs a name");
        }

        if (_values.ContainsKey(name))
        {
            throw new InvalidOperationException($"value '{name}' is defined twice in graph '{Name}'");
        }

        var v = new Value(this, name);
        _values.Add(name, v);
        Model.ReserveName(name);
        return v;
    }

    private void Forget(Value value) => _values.Remove(value.Name);

    private void RequireOwn(Value value)
    {
        if (value.Graph != this)
        {
            throw new InvalidOperationException($"{value} belongs to graph '{value.Graph.Name}', not '{Name}'");
        }
    }

    public override string ToString() => $"graph '{Name}' ({_nodes.Count} nodes)";
}
