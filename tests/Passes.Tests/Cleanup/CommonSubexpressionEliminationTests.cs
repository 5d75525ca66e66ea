// Tests of eliminate-common-subexpressions.
using Onnxc.GraphIR;
using Onnxc.Passes.Cleanup;
using static Onnxc.Passes.Tests.TestGraphs;

namespace Onnxc.Passes.Tests.Cleanup;

public sealed class CommonSubexpressionEliminationTests
{
    [Fact]
    public void MergesEqualNodesAndMatchesOrt()
    {
        Model m = NewModel();
        Graph g = m.Graph;
        Value x = Input(g, "x", 2, 3);
        Value t1 = Op(g, "Transpose", [x], NodeAttribute.Of("perm", 1L, 0L));
        Value t2 = Op(g, "Transpose", [x], NodeAttribute.Of("perm", 1L, 0L));
        Value r1 = Op(g, "Relu", [t1]);
        Value r2 = Op(g, "Relu", [t2]);
        Output(g, Op(g, "Add", [r1, r2]), Float(3, 2));
        OrtCheck.AssertPreserved(m, model => OrtCheck.RunPass(model, new CommonSubexpressionElimination()));
        Assert.Equal(1, Count(m, "Transpose"));
        Assert.Equal(1, Count(m, "Relu"));
    }

    [Fact]
    public void KeepsNodesWithDifferentAttributes()
    {
        Model m = NewModel();
        Graph g = m.Graph;
        Value x = Input(g, "x", 2, 2);
        Value t1 = Op(g, "Transpose", [x], NodeAttribute.Of("perm", 1L, 0L));
        Value t2 = Op(g, "Transpose", [x], NodeAttribute.Of("perm", 0L, 1L));
        Output(g, Op(g, "Add", [t1, t2]), Float(2, 2));
        OrtCheck.RunPass(m, new CommonSubexpressionElimination());
        Assert.Equal(2, Count(m, "Transpose"));
    }

    [Fact]
    public void KeepsRandomOps()
    {
        Model m = NewModel();
        Graph g = m.Graph;
        Value x = Input(g, "x", 2, 2);
        Value a = Op(g, "RandomUniformLike", [x]);
        Value b = Op(g, "RandomUniformLike", [x]);
        Output(g, Op(g, "Add", [a, b]), Float(2, 2));
        OrtCheck.RunPass(m, new CommonSubexpressionElimination());
        Assert.Equal(2, Count(m, "RandomUniformLike"));
    }

    [Fact]
    public void KeepsNodesProducingGraphOutputs()
    {
        Model m = NewModel();
        Graph g = m.Graph;
        Value x = Input(g, "x", 2);
        Output(g, Op(g, "Neg", [x]), Float(2));
        Output(g, Op(g, "Neg", [x]), Float(2));
        OrtCheck.RunPass(m, new CommonSubexpressionElimination());
        Assert.Equal(2, Count(m, "Neg"));
    }
}
