// Tests of fold-constants: chains fold, the size guard holds, graph outputs and runtime inputs are left alone.
using Onnxc.GraphIR;
using Onnxc.Passes.Cleanup;
using Onnxc.Passes.Pipelines;
using static Onnxc.Passes.Tests.TestGraphs;

namespace Onnxc.Passes.Tests.Cleanup;

public sealed class ConstantFoldingTests
{
    [Fact]
    public void FoldsConstantNodesAndChainsAndMatchesOrt()
    {
        Model m = NewModel();
        Graph g = m.Graph;
        Value c = Op(g, "Constant", [], NodeAttribute.Of("value", TensorData.FromFloats([2, 3], [1, 2, 3, 4, 5, 6])));
        Value sum = Op(g, "Add", [c, Const(g, "k", [3], [0.5f, 0.25f, 0.125f])]);
        Value t = Op(g, "Transpose", [sum], NodeAttribute.Of("perm", 1L, 0L));
        Value flat = Op(g, "Reshape", [t, Ints(g, "s", -1)]);
        Output(g, Op(g, "Mul", [Input(g, "x", 6), flat]), Float(6));
        OrtCheck.AssertPreserved(m, model => OrtCheck.RunPass(model, new ConstantFolding()));
        Assert.Single(m.Graph.Nodes);
        Assert.Equal("Mul", m.Graph.Nodes[0].OpType);
        Assert.Equal([1.5f, 4.5f, 2.25f, 5.25f, 3.125f, 6.125f], m.Graph.Nodes[0].Inputs[1]!.Initializer!.ToFloats());
    }

    [Fact]
    public void KeepsResultsThatWouldBloatTheModel()
    {
        Model m = NewModel();
        Graph g = m.Graph;
        Value big = Op(g, "ConstantOfShape", [Ints(g, "shape", 64, 64, 64)]);
        Output(g, Op(g, "Add", [Input(g, "x", 64, 64, 64), big]), Float(64, 64, 64));
        OrtCheck.RunPass(m, new ConstantFolding());
        Assert.Equal(1, Count(m, "ConstantOfShape"));
    }

    [Fact]
    public void FoldsSmallResultsOfExpandingOps()
    {
        Model m = NewModel();
        Graph g = m.Graph;
        Value small = Op(g, "ConstantOfShape", [Ints(g, "shape", 2, 3)], NodeAttribute.Of("value", TensorData.FromFloats([1], [2f])));
        Output(g, Op(g, "Add", [Input(g, "x", 2, 3), small]), Float(2, 3));
        OrtCheck.RunPass(m, new ConstantFolding());
        Assert.Equal(0, Count(m, "ConstantOfShape"));
    }

    [Fact]
    public void GrowthLimitIsAnOption()
    {
        Model m = NewModel();
        Graph g = m.Graph;
        Value small = Op(g, "ConstantOfShape", [Ints(g, "shape", 2, 3)]);
        Output(g, Op(g, "Add", [Input(g, "x", 2, 3), small]), Float(2, 3));
        OrtCheck.RunPass(m, new ConstantFolding(), new PassOptions { ConstantFoldingMaxGrowthBytes = 0 });
        Assert.Equal(1, Count(m, "ConstantOfShape"));
    }

    [Fact]
    public void KeepsNodesReadingRuntimeValues()
    {
        Model m = NewModel();
        Graph g = m.Graph;
        Output(g, Op(g, "Add", [Input(g, "x", 3), Const(g, "k", [3], [1, 2, 3])]), Float(3));
        long before = m.ChangeCount;
        OrtCheck.RunPass(m, new ConstantFolding());
        Assert.Equal(before, m.ChangeCount);
    }

    [Fact]
    public void KeepsInitializersThatAreGraphInputs()
    {
        Model m = NewModel();
        Graph g = m.Graph;
        Value k = Const(g, "k", [3], [1, 2, 3]);
        g.AddInput(k);
        Value neg = Op(g, "Neg", [k]);
        Output(g, Op(g, "Add", [Input(g, "x", 3), neg]), Float(3));
        OrtCheck.RunPass(m, new ConstantFolding());
        Assert.Equal(1, Count(m, "Neg"));
    }

    [Fact]
    public void KeepsNodesThatProduceGraphOutputs()
    {
        Model m = NewModel();
        Graph g = m.Graph;
        Output(g, Op(g, "Neg", [Const(g, "k", [3], [1, 2, 3])]), Float(3));
        OrtCheck.RunPass(m, new ConstantFolding());
        Assert.Equal(1, Count(m, "Neg"));
    }

    [Fact]
    public void LogsWhyANodeWasNotFoldedUnderDebugRewrites()
    {
        Model m = NewModel();
        Graph g = m.Graph;
        Value d = Op(g, "Div", [Ints(g, "a", 1), Ints(g, "b", 0)]);
        Output(g, Op(g, "Add", [g.AddInput("x", new TensorType(ElementType.Int64, new TensorShape(1))), d]), new TensorType(ElementType.Int64, new TensorShape(1)));
        var log = new StringWriter();
        new PassManager().Add(new ConstantFolding()).Run(m, Context(new PassOptions { DebugRewrites = true }, log));
        Assert.Contains("integer division by zero", log.ToString(), StringComparison.Ordinal);
        Assert.Equal(1, Count(m, "Div"));
    }

    [Fact]
    public void LeavesFunctionBodiesAlone()
    {
        Model m = NewModel();
        Graph body = m.CreateGraph("body");
        Value a = body.AddInput("a", null);
        Value c = Op(body, "Constant", [], NodeAttribute.Of("value", TensorData.FromFloats([1], [2f])));
        body.AddOutput(Op(body, "Mul", [a, c]));
        m.AddFunction(new FunctionDef("local", "Double", body) { Opsets = [new OpsetImport("", 13)] });
        Graph g = m.Graph;
        Output(g, g.AddNode("Double", [Input(g, "x", 2)], 1, domain: "local").Outputs[0]!, Float(2));
        m.SetOpset("local", 1);
        var pm = new PassManager();
        PassPipelines.AddCleanup(pm);
        pm.Run(m, Context());
        Assert.Equal(["Constant", "Mul"], body.Nodes.Select(n => n.OpType));
        Assert.Empty(body.Initializers);
    }
}
