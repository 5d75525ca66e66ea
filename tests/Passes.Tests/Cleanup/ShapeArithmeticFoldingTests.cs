// Tests of fold-shape-arithmetic on the Shape -> Gather -> Unsqueeze -> Concat -> Reshape pattern exporters write.
using Onnxc.GraphIR;
using Onnxc.Passes.Cleanup;
using static Onnxc.Passes.Tests.TestGraphs;

namespace Onnxc.Passes.Tests.Cleanup;

public sealed class ShapeArithmeticFoldingTests
{
    /// <summary>y = x.view(x.size(0), -1) as torch exports it, with x = Relu(input) of shape <paramref name="shape"/>.</summary>
    private static (Model Model, Node Reshape) Build(TensorShape shape, TensorShape? knownRelu)
    {
        Model m = NewModel();
        Graph g = m.Graph;
        Value input = g.AddInput("x", new TensorType(ElementType.Float, shape));
        Value x = Op(g, "Relu", [input]);
        Graph.SetType(x, knownRelu is null ? null : new TensorType(ElementType.Float, knownRelu));
        Value shapeOf = Op(g, "Shape", [x]);
        Value dim0 = Op(g, "Gather", [shapeOf, g.AddInitializer("zero", TensorData.Scalar(0L))], NodeAttribute.Of("axis", 0L));
        Value unsq = Op(g, "Unsqueeze", [dim0, Ints(g, "axes", 0)]);
        Value target = Op(g, "Concat", [unsq, Ints(g, "minus1", -1)], NodeAttribute.Of("axis", 0L));
        Value y = Untyped(g, "Reshape", [x, target]);
        g.AddOutput(y);
        Graph.SetType(y, new TensorType(ElementType.Float, null));
        return (m, y.Producer!);
    }

    private static void RunCleanup(Model m)
    {
        var pm = new PassManager();
        pm.AddFixedPoint(new ShapeArithmeticFolding(), new DeadCodeElimination(), new UnusedInitializerRemoval());
        pm.Run(m, Context());
    }

    [Fact]
    public void DynamicBatchBecomesACopiedDimAndMatchesOrt()
    {
        var shape = new TensorShape([Dim.Symbol("N"), 4, 2, 2]);
        (Model m, Node reshape) = Build(shape, shape);
        OrtCheck.AssertPreserved(m, RunCleanup);
        Assert.Equal(["Relu", "Reshape"], m.Graph.Nodes.Select(n => n.OpType));
        Assert.Equal([0L, -1L], reshape.Inputs[1]!.Initializer!.ToInt64s());
    }

    [Fact]
    public void WorksWithoutKnownRank()
    {
        (Model m, Node reshape) = Build(new TensorShape([Dim.Symbol("N"), 4, 2, 2]), null);
        RunCleanup(m);
        Assert.Equal([0L, -1L], reshape.Inputs[1]!.Initializer!.ToInt64s());
    }

    [Fact]
    public void StaticShapeFoldsToConstants()
    {
        var shape = new TensorShape(3, 4, 2, 2);
        (Model m, Node reshape) = Build(shape, shape);
        OrtCheck.AssertPreserved(m, RunCleanup);
        Assert.Equal([3L, -1L], reshape.Inputs[1]!.Initializer!.ToInt64s());
    }

    [Fact]
    public void KeepsShapesOfOtherTensors()
    {
        Model m = NewModel();
        Graph g = m.Graph;
        Value a = g.AddInput("a", new TensorType(ElementType.Float, new TensorShape([Dim.Symbol("N"), 8])));
        Value b = g.AddInput("b", new TensorType(ElementType.Float, new TensorShape([Dim.Symbol("M"), 2, 4])));
        Value dim0 = Op(g, "Gather", [Op(g, "Shape", [a]), g.AddInitializer("zero", TensorData.Scalar(0L))]);
        Value target = Op(g, "Concat", [Op(g, "Unsqueeze", [dim0, Ints(g, "axes", 0)]), Ints(g, "rest", 2, 4)], NodeAttribute.Of("axis", 0L));
        Value y = Op(g, "Reshape", [b, target]);
        g.AddOutput(y);
        Graph.SetType(y, new TensorType(ElementType.Float, null));
        RunCleanup(m);
        Assert.Equal(1, Count(m, "Shape"));
    }
}
