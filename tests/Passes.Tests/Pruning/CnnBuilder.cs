// A small float CNN builder for the pruning tests: random weights from a fixed seed, shapes inferred as it goes.
using Onnxc.GraphIR;
using Onnxc.GraphIR.Analysis;
using static Onnxc.Passes.Tests.TestGraphs;

namespace Onnxc.Passes.Tests.Pruning;

/// <summary>A small float CNN builder for the pruning tests: random weights, shapes inferred at the end.</summary>
internal sealed class CnnBuilder
{
    public CnnBuilder(int channels, int height, int width)
    {
        Model = NewModel(13);
        X = Input(Graph, "x", 2, channels, height, width);
    }

    public Model Model { get; }

    public Graph Graph => Model.Graph;

    public Value X { get; }

    public Random Rng { get; } = new(7);

    public Value Conv(Value x, int cout, int k, int stride = 1, int pad = 0, int group = 1, bool bias = true)
    {
        ShapeInference.Run(Model);
        long cin = x.Shape![1].Value!.Value;
        Value w = Random(Graph, Model.FreshName("w"), Rng, cout, cin / group, k, k);
        Value?[] inputs = bias ? [x, w, Random(Graph, Model.FreshName("b"), Rng, cout)] : [x, w];
        return Graph.AddNode("Conv", inputs, 1,
        [
            NodeAttribute.Of("kernel_shape", new long[] { k, k }), NodeAttribute.Of("strides", new long[] { stride, stride }),
            NodeAttribute.Of("pads", new long[] { pad, pad, pad, pad }), NodeAttribute.Of("group", (long)group),
        ]).Outputs[0]!;
    }

    public Value BatchNorm(Value x)
    {
        ShapeInference.Run(Model);
        long c = x.Shape![1].Value!.Value;
        return Op("BatchNormalization", x, Random(Graph, Model.FreshName("g"), Rng, c), Random(Graph, Model.FreshName("be"), Rng, c),
            Random(Graph, Model.FreshName("m"), Rng, c), RandomPositive(Graph, Model.FreshName("v"), Rng, c));
    }

    public Value Relu(Value x) => Op("Relu", x);

    public Value Flatten(Value x) => Op("Flatten", x);

    public Value Gemm(Value x, int n)
    {
        ShapeInference.Run(Model);
        long k = x.Shape![1].Value!.Value;
        return Graph.AddNode("Gemm", [x, Random(Graph, Model.FreshName("fc"), Rng, n, k), Random(Graph, Model.FreshName("fcb"), Rng, n)], 1,
            [NodeAttribute.Of("transB", 1L)]).Outputs[0]!;
    }

    public Value Op(string op, params Value[] inputs) => Graph.AddNode(op, inputs).Outputs[0]!;

    public Value Op(string op, Value[] inputs, params NodeAttribute[] attributes) => Graph.AddNode(op, inputs, 1, attributes).Outputs[0]!;

    public void Finish(Value y)
    {
        ShapeInference.Run(Model);
        Graph.AddOutput(y);
    }
}
