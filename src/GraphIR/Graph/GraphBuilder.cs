// Adds typed nodes to a graph: each node's output types come from shape inference the moment it is added.
using Onnxc.GraphIR.Analysis;

namespace Onnxc.GraphIR;

/// <summary>
/// The one way tests, models and passes build graphs in code. Every node added is inferred at once (the built-in
/// ops, model-local functions and <see cref="OpInferenceRules"/>), so its outputs carry their element types and
/// shapes without anyone writing them by hand; a node whose output type inference cannot tell is refused (removed
/// again, with an exception naming it) unless <see cref="RequireTypes"/> is off. Shape arithmetic (Shape → Gather
/// → Concat → Reshape) built through one builder resolves, since the builder keeps the values it has seen.
/// Values the graph had before the builder was made are read through their types and constant data only.
/// </summary>
public sealed class GraphBuilder
{
    private readonly ShapeInferrer _inferrer;

    public GraphBuilder(Graph graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        Graph = graph;
        _inferrer = new ShapeInferrer(graph.Model.OpsetVersion("") ?? ShapeInference.DefaultOpset);
    }

    public Graph Graph { get; }

    public Model Model => Graph.Model;

    /// <summary>Where new nodes go: before this node when set (a rewrite inside an existing graph), else at the end.</summary>
    public Node? InsertBefore { get; set; }

    /// <summary>
    /// When on (the default), a node any of whose outputs inference leaves without an element type is refused.
    /// Off: such outputs stay untyped, for tests of inference itself and of the verifier.
    /// </summary>
    public bool RequireTypes { get; init; } = true;

    /// <summary>A builder over a new model's main graph importing the default domain at <paramref name="opset"/>.</summary>
    public static GraphBuilder ForNewModel(long opset, string graphName = "main")
    {
        var model = new Model(graphName);
        model.SetOpset(string.Empty, opset);
        return new GraphBuilder(model.Graph);
    }

    public Value Input(string name, TensorType type) => Graph.AddInput(name, type);

    public Value Input(string name, ElementType elementType, params Dim[] dims) => Graph.AddInput(name, new TensorType(elementType, new TensorShape([.. dims])));

    public Value Initializer(string name, TensorData data) => Graph.AddInitializer(name, data);

    /// <summary>An initializer under a fresh name made from <paramref name="nameHint"/>.</summary>
    public Value Constant(string nameHint, TensorData data) => Graph.AddConstant(nameHint, data);

    public void Output(Value value) => Graph.AddOutput(value);

    /// <summary>A default-domain node with one output under a fresh name; returns that output.</summary>
    public Value Op(string opType, IReadOnlyList<Value?> inputs, params NodeAttribute[] attributes) =>
        Add(opType, inputs, 1, attributes).Outputs[0]!;

    /// <summary>A default-domain node with one output named <paramref name="output"/>; returns that output.</summary>
    public Value Op(string opType, string output, IReadOnlyList<Value?> inputs, params NodeAttribute[] attributes) =>
        Add(opType, inputs, [output], attributes).Outputs[0]!;

    /// <summary>A node with <paramref name="outputCount"/> outputs under fresh names made from its op type.</summary>
    /// <exception cref="InvalidOperationException">An output's type could not be inferred and <see cref="RequireTypes"/> is on.</exception>
    public Node Add(string opType, IReadOnlyList<Value?> inputs, int outputCount, IEnumerable<NodeAttribute>? attributes = null, string domain = "") =>
        Typed(Graph.AddNode(opType, inputs, outputCount, attributes, domain, InsertBefore));

    /// <summary>
    /// Adds a node reading <paramref name="inputs"/> (null: an omitted optional input) and defining
    /// <paramref name="outputNames"/> (null or "": an omitted optional output), and infers its output types. The node
    /// is named <paramref name="name"/>, or a fresh name made from its op type.
    /// </summary>
    /// <exception cref="InvalidOperationException">An output's type could not be inferred and <see cref="RequireTypes"/> is on.</exception>
    public Node Add(
        string opType,
        IReadOnlyList<Value?> inputs,
        IReadOnlyList<string?> outputNames,
        IEnumerable<NodeAttribute>? attributes = null,
        string domain = "",
        string? name = null) =>
        Typed(Graph.AddNode(opType, inputs, outputNames, attributes, domain, name ?? Model.FreshName(opType), InsertBefore));

    /// <summary>Infers a just-added node's output types; refuses it (removes it and throws) when one stays unknown and types are required.</summary>
    private Node Typed(Node node)
    {
        _inferrer.InferNode(node);
        if (RequireTypes && node.Outputs.FirstOrDefault(o => o is not null && !IsTyped(o)) is { } untyped)
        {
            Graph.RemoveNode(node);
            string what = string.IsNullOrEmpty(node.Domain) ? node.OpType : $"{node.Domain}:{node.OpType}";
            throw new InvalidOperationException(
                $"cannot infer the type of '{untyped.Name}', output of {what} node '{node.Name}' (its inputs' types, or a rule in OpInferenceRules, are missing)");
        }

        return node;
    }

    private static bool IsTyped(Value v) => v.Type is not null and not UnknownType && v.Type is not TensorType { ElementType: ElementType.Undefined };
}
