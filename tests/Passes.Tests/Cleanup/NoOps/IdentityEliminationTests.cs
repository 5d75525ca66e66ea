// Tests of eliminate-identity.
using Onnxc.GraphIR;
using Onnxc.Passes.Cleanup.NoOps;
using static Onnxc.Passes.Tests.TestGraphs;

namespace Onnxc.Passes.Tests.Cleanup.NoOps;

public sealed class IdentityEliminationTests
{
    [Fact]
    public void RemovesIdentityChainsAndMatchesOrt()
    {
        Model m = NewModel();
        Graph g = m.Graph;
        Value r = Op(g, "Relu", [Input(g, "x", 2, 3)]);
        Value y = Op(g, "Identity", [Op(g, "Identity", [r])]);
        Output(g, y, Float(2, 3));
        string outputName = y.Name;
        OrtCheck.AssertPreserved(m, model => Assert.Equal(2, RuleRunner.Apply(model, new IdentityElimination()).Applied));
        Assert.Equal(0, Count(m, "Identity"));
        Assert.Equal(outputName, m.Graph.Outputs[0].Name);
    }

    [Fact]
    public void KeepsIdentityBetweenGraphInputAndOutput()
    {
        Model m = NewModel();
        Graph g = m.Graph;
        Output(g, Op(g, "Identity", [Input(g, "x", 2, 3)]), Float(2, 3));
        RuleRunner.AssertRejected(m, new IdentityElimination(), "cannot replace");
    }

    [Fact]
    public void KeepsIdentityThatChangesTheElementType()
    {
        Model m = NewModel();
        Graph g = m.Graph;
        Value r = Op(g, "Relu", Float(2), [Input(g, "x", 2)]);
        Value y = Op(g, "Identity", [r]);
        Output(g, Op(g, "Relu", [y]), Float(2));
        Graph.SetType(y, new TensorType(ElementType.Double, null));
        RuleRunner.AssertRejected(m, new IdentityElimination(), "differ in element type");
    }
}
