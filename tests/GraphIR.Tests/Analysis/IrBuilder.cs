// A terse way to build small IR models in tests: typed inputs with symbolic dims, constant initializers, nodes.
namespace Onnxc.GraphIR.Tests.Analysis;

/// <summary>
/// Builds through the raw mutation API, so nodes come out untyped: the inference tests use it to check what
/// <see cref="Analysis.ShapeInference"/> derives. Everything else that builds graphs in code uses
/// <see cref="GraphBuilder"/>, which types each node as it is added.
/// </summary>
internal sealed class IrBuilder
{
    public IrBuilder(long opset = 17)
    {
        Model = new Model();
        Model.SetOpset("", opset);
    }

    public Model Model { get; }

    public Graph Graph => Model.Graph;

    /// <summary>Dims are numbers, symbol names, or "?" for unknown.</summary>
    public static TensorShape Shape(params object[] dims) => new(
    [
        .. dims.Select(d => d switch
        {
            "?" => Dim.Unknown,
            string s => Dim.Symbol(s),
            int i => Dim.Of(i),
            long l => Dim.Of(l),
            _ => throw new ArgumentException($"bad dim {d}"),
        }),
    ]);

    public static TensorType Type(ElementType t, params object[] dims) => new(t, Shape(dims));

    public Value Input(string name, ElementType t, params object[] dims) => Graph.AddInput(name, Type(t, dims));

    public Value Ints(string name, params long[] values) => Graph.AddInitializer(name, TensorData.FromInt64s([values.Length], values));

    public Value Floats(string name, long[] dims, float value = 0.5f) =>
        Graph.AddInitializer(name, TensorData.FromFloats(dims, [.. Enumerable.Repeat(value, (int)TensorData.CountElements(dims))]));

    public Value ScalarFloat(string name, float value) => Graph.AddInitializer(name, TensorData.Scalar(value));

    /// <summary>Adds a node with one output named <paramref name="output"/> and returns that output.</summary>
    public Value Op(string op, string output, Value?[] inputs, params NodeAttribute[] attributes) =>
        Graph.AddNode(op, inputs, [output], attributes).Outputs[0]!;

    public Node OpN(string op, string[] outputs, Value?[] inputs, params NodeAttribute[] attributes) =>
        Graph.AddNode(op, inputs, outputs, attributes);

    public static NodeAttribute A(string name, long value) => NodeAttribute.Of(name, value);

    public static NodeAttribute A(string name, params long[] values) => NodeAttribute.Of(name, values);

    public static NodeAttribute A(string name, float value) => NodeAttribute.Of(name, value);

    public static NodeAttribute A(string name, string value) => NodeAttribute.Of(name, value);

    public static string T(Value v) => v.Type?.ToString() ?? "null";
}
