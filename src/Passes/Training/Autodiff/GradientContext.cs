// What a backward rule may read and the emission helpers it builds gradient nodes with.
using System.Collections.Immutable;

namespace Onnxc.Passes.Training.Autodiff;

/// <summary>
/// Emission state for one differentiation: the graph gradient nodes go into, which values need a gradient, and
/// small builders for the nodes rules emit. Gradient values are named after the forward value they belong to
/// (<c>x_grad</c>, made unique by the model), so a training graph reads well in Netron.
/// </summary>
public sealed class GradientContext
{
    private readonly HashSet<Value> _needsGradient;

    internal GradientContext(Graph graph, HashSet<Value> needsGradient)
    {
        Graph = graph;
        _needsGradient = needsGradient;
    }

    /// <summary>The graph the gradient nodes are appended to (the forward graph itself).</summary>
    public Graph Graph { get; }

    /// <summary>The default-domain opset of the model: rules choose attribute or input forms from it.</summary>
    public long Opset => Graph.Model.OpsetVersion("") ?? 13;

    /// <summary>True when a gradient with respect to <paramref name="value"/> is wanted (it lies on a path from a trainable tensor).</summary>
    public bool NeedsGradient(Value? value) => value is not null && _needsGradient.Contains(value);

    /// <summary>Adds a one-output node and returns its output.</summary>
    public Value Op(string opType, IReadOnlyList<Value?> inputs, params NodeAttribute[] attributes) =>
        OpN(opType, inputs, 1, attributes)[0];

    /// <summary>Adds a node with <paramref name="outputCount"/> outputs and returns them.</summary>
    public Value[] OpN(string opType, IReadOnlyList<Value?> inputs, int outputCount, params NodeAttribute[] attributes)
    {
        string hint = inputs.FirstOrDefault(i => i is not null)?.Name ?? opType;
        var names = new string?[outputCount];
        for (int i = 0; i < outputCount; i++)
        {
            names[i] = Graph.Model.FreshName($"{Trim(hint)}_{opType}");
        }

        Node n = Graph.AddNode(opType, inputs, names, attributes, name: Graph.Model.FreshName($"grad_{opType}"));
        return [.. n.Outputs.Select(o => o!)];
    }

    /// <summary>Gives a gradient value the name <c>forward_grad</c> by passing it through an Identity when needed.</summary>
    public Value Named(Value gradient, Value forward)
    {
        Value v = Op("Identity", [gradient]);
        Graph.Rename(v, Graph.Model.FreshName($"{forward.Name}_grad"));
        return v;
    }

    /// <summary>A float scalar constant (rank 0) of the element type of <paramref name="like"/> (float when unknown).</summary>
    public Value Scalar(double value, Value? like = null)
    {
        ElementType t = like?.ElementType is { } e && e != ElementType.Undefined ? e : ElementType.Float;
        TensorData data = t == ElementType.Double
            ? TensorData.FromBytes(ElementType.Double, [], BitConverter.GetBytes(value))
            : TensorData.Scalar((float)value);
        return Graph.AddConstant("grad_const", data);
    }

    /// <summary>A one-dimensional int64 constant (axes, shapes, pads).</summary>
    public Value Int64s(params long[] values) => Graph.AddConstant("grad_ints", TensorData.FromInt64s([values.Length], values));

    /// <summary>The runtime shape of <paramref name="value"/> as an int64 vector.</summary>
    public Value ShapeOf(Value value) => Op("Shape", [value]);

    /// <summary>
    /// The static dims of <paramref name="value"/> when its rank is known: a known size, or -1 for a symbolic or
    /// unknown one. Null when even the rank is unknown.
    /// </summary>
    public static ImmutableArray<long>? StaticDims(Value value)
    {
        if (value.Shape is not { } shape)
        {
            return null;
        }

        return [.. shape.Dims.Select(d => d.Value ?? -1L)];
    }

    private static string Trim(string name) => name.Length > 40 ? name[..40] : name;
}
