// Tests of eliminate-cast-to-same-type.
using Onnxc.GraphIR;
using Onnxc.Passes.Cleanup.NoOps;
using static Onnxc.Passes.Tests.TestGraphs;

namespace Onnxc.Passes.Tests.Cleanup.NoOps;

public sealed class CastEliminationTests
{
    private static Model Build(ElementType to, TensorType? inputType)
    {
        Model m = NewModel();
        Graph g = m.Graph;
        Value r = Op(g, "Relu", [Input(g, "x", 2, 3)]);
        Graph.SetType(r, inputType);
        // Untyped, so the rule's own reading of the cast (not the inferred output type) is what is tested.
        Value c = Untyped(g, "Cast", [r], NodeAttribute.Of("to", (long)to));
        Output(g, Untyped(g, "Relu", [c]), new TensorType(to, new TensorShape(2, 3)));
        return m;
    }

    [Fact]
    public void RemovesCastToTheSameTypeAndMatchesOrt()
    {
        Model m = Build(ElementType.Float, Float(2, 3));
        OrtCheck.AssertPreserved(m, model => Assert.Equal(1, RuleRunner.Apply(model, new CastElimination()).Applied));
        Assert.Equal(0, Count(m, "Cast"));
    }

    [Fact]
    public void KeepsCastToAnotherType() =>
        RuleRunner.AssertRejected(Build(ElementType.Double, Float(2, 3)), new CastElimination(), "casts FLOAT to DOUBLE");

    [Fact]
    public void KeepsCastOfUnknownType() =>
        RuleRunner.AssertRejected(Build(ElementType.Float, null), new CastElimination(), "element type is unknown");
}
