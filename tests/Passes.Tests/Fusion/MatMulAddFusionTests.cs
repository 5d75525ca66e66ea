// Tests of fuse-matmul-add-to-gemm.
using Onnxc.GraphIR;
using Onnxc.Passes.Fusion;
using static Onnxc.Passes.Tests.TestGraphs;

namespace Onnxc.Passes.Tests.Fusion;

public sealed class MatMulAddFusionTests
{
    private static (Model Model, Value MatMul) Build(long[] aDims, long[] biasDims)
    {
        var rng = new Random(9);
        Model m = NewModel();
        Graph g = m.Graph;
        Value mm = Op(g, "MatMul", Float([.. aDims[..^1], 6]), [Input(g, "a", aDims), Random(g, "B", rng, aDims[^1], 6)]);
        Output(g, Op(g, "Add", [mm, Random(g, "bias", rng, biasDims)]), Float([.. aDims[..^1], 6]));
        return (m, mm);
    }

    [Theory]
    [InlineData(new long[] { 6 })]
    [InlineData(new long[] { 1, 6 })]
    [InlineData(new long[] { 3, 6 })]
    [InlineData(new long[] { 3, 1 })]
    public void FusesAndMatchesOrt(long[] biasDims)
    {
        (Model m, _) = Build([3, 5], biasDims);
        OrtCheck.AssertPreserved(m, model => Assert.Equal(1, RuleRunner.Apply(model, new MatMulAddFusion()).Applied));
        Assert.Equal(1, Count(m, "Gemm"));
        Assert.Equal(0, Count(m, "MatMul") + Count(m, "Add"));
    }

    [Fact]
    public void RejectsBatchedMatMul()
    {
        (Model m, _) = Build([2, 3, 5], [6]);
        RuleRunner.AssertRejected(m, new MatMulAddFusion(), "has rank 3, not 2");
    }

    [Fact]
    public void RejectsBiasThatWouldGrowTheOutput()
    {
        (Model m, _) = Build([1, 5], [4, 6]);
        RuleRunner.AssertRejected(m, new MatMulAddFusion(), "does not broadcast to the output");
    }

    [Fact]
    public void RejectsSharedMatMulOutput()
    {
        (Model m, Value mm) = Build([3, 5], [6]);
        Output(m.Graph, Op(m.Graph, "Relu", [mm]), Float(3, 6));
        RuleRunner.AssertRejected(m, new MatMulAddFusion(), "uses, not 1");
    }

    [Fact]
    public void RejectsUnknownRank()
    {
        var rng = new Random(9);
        Model m = NewModel();
        Graph g = m.Graph;
        Value a = g.AddInput("a", new TensorType(ElementType.Float, null));
        Value mm = Op(g, "MatMul", [a, Random(g, "B", rng, 5, 6)]);
        Output(g, Op(g, "Add", [mm, Random(g, "bias", rng, 6)]), Float(3, 6));
        RuleRunner.AssertRejected(m, new MatMulAddFusion(), "the rank of %a is unknown");
    }
}
