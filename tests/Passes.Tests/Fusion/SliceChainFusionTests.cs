// Tests of merge-consecutive-slices.
using Onnxc.GraphIR;
using Onnxc.Passes.Fusion;
using static Onnxc.Passes.Tests.TestGraphs;

namespace Onnxc.Passes.Tests.Fusion;

public sealed class SliceChainFusionTests
{
    private static Model Build(long innerAxis, long outerAxis, bool constantStarts = true)
    {
        Model m = NewModel();
        Graph g = m.Graph;
        // Untyped: the rank of the slices' input is what the tests set (or leave unknown).
        Value x = Untyped(g, "Relu", [Input(g, "x", 2, 4, 6, 6)]);
        Value starts = constantStarts ? Ints(g, "s1", 0) : g.AddInput("s1", new TensorType(ElementType.Int64, new TensorShape(1)));
        Value a = Untyped(g, "Slice", [x, starts, Ints(g, "e1", long.MaxValue), Ints(g, "a1", innerAxis), Ints(g, "st1", 2)]);
        Value b = Untyped(g, "Slice", [a, Ints(g, "s2", 1), Ints(g, "e2", long.MaxValue), Ints(g, "a2", outerAxis), Ints(g, "st2", 2)]);
        Output(g, Untyped(g, "Relu", [b]), new TensorType(ElementType.Float, null));
        return m;
    }

    [Fact]
    public void MergesSlicesOverDifferentAxesAndMatchesOrt()
    {
        Model m = Build(2, -1);
        Graph.SetType(m.Graph.Nodes[0].Outputs[0]!, Float(2, 4, 6, 6));
        OrtCheck.AssertPreserved(m, model => Assert.Equal(1, RuleRunner.Apply(model, new SliceChainFusion()).Applied));
        Assert.Equal(1, Count(m, "Slice"));
    }

    [Fact]
    public void RejectsTheSameAxis() =>
        RuleRunner.AssertRejected(Build(2, 2), new SliceChainFusion(), "share an axis");

    [Fact]
    public void RejectsNegativeAxesOfUnknownRank() =>
        RuleRunner.AssertRejected(Build(2, -1), new SliceChainFusion(), "negative axes of unknown rank");

    [Fact]
    public void RejectsRuntimeStarts() =>
        RuleRunner.AssertRejected(Build(2, 3, constantStarts: false), new SliceChainFusion(), "not constant");
}
