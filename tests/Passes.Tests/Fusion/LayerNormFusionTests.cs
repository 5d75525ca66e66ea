// Tests of fuse-layernorm.
using Onnxc.GraphIR;
using Onnxc.Passes.Fusion;
using static Onnxc.Passes.Tests.TestGraphs;

namespace Onnxc.Passes.Tests.Fusion;

public sealed class LayerNormFusionTests
{
    private static Model Build(long opset, bool affine = true, bool squareByMul = false, long[]? axes = null)
    {
        var rng = new Random(12);
        Model m = NewModel(opset);
        Graph g = m.Graph;
        Value x = Op(g, "Relu", Float(2, 3, 8), [Input(g, "in", 2, 3, 8)]);
        NodeAttribute axesAttr = NodeAttribute.Of("axes", axes ?? [-1L]);
        Value mean = Op(g, "ReduceMean", [x], axesAttr);
        Value d = Op(g, "Sub", [x, mean]);
        Value sq = squareByMul ? Op(g, "Mul", [d, d]) : Op(g, "Pow", [d, Const(g, "two", [], [2f])]);
        Value variance = Op(g, "ReduceMean", [sq], axesAttr);
        Value std = Op(g, "Sqrt", [Op(g, "Add", [variance, Const(g, "eps", [], [1e-5f])])]);
        Value y = Op(g, "Div", [d, std]);
        if (affine)
        {
            y = Op(g, "Add", [Op(g, "Mul", [y, Random(g, "gamma", rng, 8)]), Random(g, "beta", rng, 8)]);
        }

        Output(g, y, Float(2, 3, 8));
        return m;
    }

    [Theory]
    [InlineData(true, false)]
    [InlineData(false, false)]
    [InlineData(true, true)]
    public void FusesAndMatchesOrt(bool affine, bool squareByMul)
    {
        Model m = Build(17, affine, squareByMul);
        OrtCheck.AssertPreserved(m, model => Assert.Equal(1, RuleRunner.Apply(model, new LayerNormFusion()).Applied));
        Assert.Equal(["Relu", "LayerNormalization"], m.Graph.Nodes.Select(n => n.OpType));
    }

    [Fact]
    public void RejectsOpsetBelow17() =>
        RuleRunner.AssertRejected(Build(13), new LayerNormFusion(), "the rewrite needs 17");

    [Fact]
    public void RejectsNonTrailingAxes() =>
        RuleRunner.AssertRejected(Build(17, axes: [1L]), new LayerNormFusion(), "trailing axes");

    [Fact]
    public void RejectsSharedMean()
    {
        Model m = Build(17);
        Node mean = m.Graph.Nodes.First(n => n.OpType == "ReduceMean");
        Output(m.Graph, Op(m.Graph, "Neg", [mean.Outputs[0]]), Float(2, 3, 1));
        RuleRunner.AssertRejected(m, new LayerNormFusion(), "also read by");
    }

    [Fact]
    public void RejectsRuntimeEpsilon()
    {
        Model m = Build(17);
        Value eps = m.Graph.FindValue("eps")!;
        m.Graph.AddInput(eps);
        RuleRunner.AssertRejected(m, new LayerNormFusion(), "%eps is not a constant initializer");
    }
}
