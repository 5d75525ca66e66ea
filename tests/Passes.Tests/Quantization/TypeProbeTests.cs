// TypeProbe records element types and shapes from GraphIR's inference, asks ORT only for what that leaves open, and never turns an unknown shape into rank 0.
using Onnxc.GraphIR;
using Onnxc.Passes.Quantization;

namespace Onnxc.Passes.Tests.Quantization;

public class TypeProbeTests
{
    /// <summary>x[N,4] → Relu → Reshape(·, Concat(Shape(x)[0..1], [2, 2])): the Reshape's shape is only known at run time.</summary>
    private static Model ReshapeByRuntimeShape()
    {
        var m = new Model();
        m.SetOpset("", 13);
        Graph g = m.Graph;
        Value x = g.AddInput("x", new TensorType(ElementType.Float, new TensorShape([Dim.Symbol("N"), 4])));
        Node relu = g.AddNode("Relu", [x], ["r"], name: "relu");
        Node shape = g.AddNode("Shape", [x], ["s"], name: "shape");
        Value starts = g.AddInitializer("starts", TensorData.FromInt64s([1], [0]));
        Value ends = g.AddInitializer("ends", TensorData.FromInt64s([1], [1]));
        Node batch = g.AddNode("Slice", [shape.Outputs[0], starts, ends], ["n"], name: "batch");
        Value tail = g.AddInitializer("tail", TensorData.FromInt64s([2], [2, 2]));
        Node target = g.AddNode("Concat", [batch.Outputs[0], tail], ["target"], [NodeAttribute.Of("axis", 0L)], name: "target");
        Node reshape = g.AddNode("Reshape", [relu.Outputs[0], target.Outputs[0]], ["y"], name: "reshape");
        g.AddOutput(reshape.Outputs[0]!);
        return m;
    }

    [Fact]
    public void RecordsInferredShapesAndLeavesUnknownOnesUnknown()
    {
        Model m = ReshapeByRuntimeShape();
        TypeProbe.Run(m);

        Value relu = m.Graph.FindValue("r")!;
        Assert.Equal(ElementType.Float, relu.ElementType);
        Assert.Equal(2, relu.Shape!.Rank);
        Assert.Equal(4, relu.Shape.Dims[1].Value);

        Value y = m.Graph.FindValue("y")!;
        Assert.Equal(ElementType.Float, y.ElementType);
        Assert.True(y.Shape is null || y.Shape.Rank == 3, $"Reshape output recorded as {y.Type}");
    }

    [Fact]
    public void KeepsTheDeclaredSymbolicBatchOfTheGraphOutput()
    {
        // ORT reports a symbolic dimension as unknown; recording its answer replaced the output's declared [N, 2, 2].
        Model m = ReshapeByRuntimeShape();
        Graph.SetType(m.Graph.FindValue("y")!, new TensorType(ElementType.Float, new TensorShape([Dim.Symbol("N"), 2, 2])));

        TypeProbe.Run(m);

        Value y = m.Graph.FindValue("y")!;
        Assert.Equal("N", y.Shape!.Dims[0].Param);
        Assert.Equal("N", m.Graph.FindValue("r")!.Shape!.Dims[0].Param);
    }

    [Fact]
    public void AsksOrtForTheOutputsOfOpsGraphIrCannotInfer()
    {
        // x[N,4] -> Relu -> com.microsoft Gelu (no GraphIR rule) -> Relu -> y
        var m = new Model();
        m.SetOpset("", 13);
        m.SetOpset("com.microsoft", 1);
        Graph g = m.Graph;
        Value x = g.AddInput("x", new TensorType(ElementType.Float, new TensorShape([Dim.Symbol("N"), 4])));
        Node relu = g.AddNode("Relu", [x], ["r"], name: "relu");
        Node gelu = g.AddNode("Gelu", [relu.Outputs[0]], ["gelu"], domain: "com.microsoft", name: "gelu");
        Node last = g.AddNode("Relu", [gelu.Outputs[0]], ["y"], name: "last");
        g.AddOutput(last.Outputs[0]!);

        TypeProbe.Run(m);

        Value v = m.Graph.FindValue("gelu")!;
        Assert.Equal(ElementType.Float, v.ElementType);
        Assert.Equal(2, v.Shape!.Rank);
        Assert.Equal(4, v.Shape.Dims[1].Value);
    }
}
