// Tests of fuse-gelu.
using Onnxc.GraphIR;
using Onnxc.Passes.Fusion;
using static Onnxc.Passes.Tests.TestGraphs;

namespace Onnxc.Passes.Tests.Fusion;

public sealed class GeluFusionTests
{
    /// <summary>Relu(x) -> gelu written as torch exports it: Mul(Mul(x, 1 + erf(x / sqrt2)), 0.5), or another association.</summary>
    private static (Model Model, Value X) Build(long opset, bool halfFirst = false, bool multiplyByInverse = false)
    {
        Model m = NewModel(opset);
        Graph g = m.Graph;
        Value x = Op(g, "Relu", Float(2, 5), [Input(g, "in", 2, 5)]);
        Value scaled = multiplyByInverse
            ? Op(g, "Mul", [x, Const(g, "inv_sqrt2", [], [0.70710677f])])
            : Op(g, "Div", [x, Const(g, "sqrt2", [], [1.4142135f])]);
        Value onePlus = Op(g, "Add", [Op(g, "Erf", [scaled]), Const(g, "one", [], [1f])]);
        Value half = Const(g, "half", [], [0.5f]);
        Value y = halfFirst
            ? Op(g, "Mul", [Op(g, "Mul", [x, half]), onePlus])
            : Op(g, "Mul", [Op(g, "Mul", [x, onePlus]), half]);
        Output(g, y, Float(2, 5));
        return (m, x);
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    public void FusesEveryAssociationAndMatchesOrt(bool halfFirst, bool multiplyByInverse)
    {
        (Model m, _) = Build(20, halfFirst, multiplyByInverse);
        OrtCheck.AssertPreserved(m, model => Assert.Equal(1, RuleRunner.Apply(model, new GeluFusion()).Applied));
        Assert.Equal(["Relu", "Gelu"], m.Graph.Nodes.Select(n => n.OpType));
    }

    [Fact]
    public void RejectsOpsetBelow20() =>
        RuleRunner.AssertRejected(Build(17).Model, new GeluFusion(), "the rewrite needs 20");

    [Fact]
    public void RejectsSharedInteriorValues()
    {
        (Model m, _) = Build(20);
        Node erf = m.Graph.Nodes.First(n => n.OpType == "Erf");
        Output(m.Graph, Op(m.Graph, "Neg", [erf.Outputs[0]]), Float(2, 5));
        RuleRunner.AssertRejected(m, new GeluFusion(), "also read by");
    }

    [Fact]
    public void RejectsWrongConstants()
    {
        (Model m, _) = Build(20);
        Value half = m.Graph.FindValue("half")!;
        m.Graph.SetInitializer(half, TensorData.FromFloats([], [0.25f]));
        RuleRunner.AssertRejected(m, new GeluFusion(), "no 0.5 factor");
    }
}
