// Builders for the small models the pass tests run on.
using Onnxc.GraphIR;

namespace Onnxc.Passes.Tests;

internal static class TestGraphs
{
    public static Model NewModel(long opset = 13)
    {
        var m = new Model { IrVersion = 8, ProducerName = "onnxc-tests" };
        m.SetOpset("", opset);
        return m;
    }

    public static TensorType Float(params long[] dims) => new(ElementType.Float, new TensorShape(dims));

    public static Value Input(Graph g, string name, params long[] dims) => g.AddInput(name, Float(dims));

    public static Value Const(Graph g, string name, long[] dims, float[] values) =>
        g.AddInitializer(name, TensorData.FromFloats(dims, values));

    public static Value Ints(Graph g, string name, params long[] values) =>
        g.AddInitializer(name, TensorData.FromInt64s([values.Length], values));

    public static Value Random(Graph g, string name, Random rng, params long[] dims) =>
        Const(g, name, dims, RandomFloats(rng, (int)TensorData.CountElements(dims)));

    /// <summary>Positive random values (variances, scales that must not be near zero).</summary>
    public static Value RandomPositive(Graph g, string name, Random rng, params long[] dims) =>
        Const(g, name, dims, [.. RandomFloats(rng, (int)TensorData.CountElements(dims)).Select(v => 0.5f + Math.Abs(v))]);

    public static float[] RandomFloats(Random rng, int count) =>
        [.. Enumerable.Range(0, count).Select(_ => (float)((rng.NextDouble() * 2) - 1))];

    /// <summary>Adds a node with one output, typed by inference (<see cref="GraphBuilder"/>), and returns that output.</summary>
    public static Value Op(Graph g, string op, Value?[] inputs, params NodeAttribute[] attributes) =>
        new GraphBuilder(g).Op(op, inputs, attributes);

    /// <summary>
    /// Adds a node with one output and no type at all, bypassing inference: for the tests of what a rule does when
    /// a type or rank is unknown.
    /// </summary>
    public static Value Untyped(Graph g, string op, Value?[] inputs, params NodeAttribute[] attributes) =>
        g.AddNode(op, inputs, 1, attributes).Outputs[0]!;

    /// <summary>Adds a node with one output of a known type.</summary>
    public static Value Op(Graph g, string op, TensorType type, Value?[] inputs, params NodeAttribute[] attributes)
    {
        Value v = Op(g, op, inputs, attributes);
        Graph.SetType(v, type);
        return v;
    }

    public static void Output(Graph g, Value v, TensorType type)
    {
        Graph.SetType(v, type);
        g.AddOutput(v);
    }

    public static int Count(Model m, string op) => m.Graph.Nodes.Count(n => n.OpType == op);

    /// <summary>A context for rule tests: the test builders set every type a rule reads, so no inference runs.</summary>
    public static PassContext Context(PassOptions? options = null, TextWriter? log = null) =>
        new(options, log) { InferShapes = _ => { } };
}
