// Tests of fuse-transpose-into-gemm.
using Onnxc.GraphIR;
using Onnxc.Passes.Fusion;
using static Onnxc.Passes.Tests.TestGraphs;

namespace Onnxc.Passes.Tests.Fusion;

public sealed class TransposeGemmFusionTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void FlipsTheTransFlagAndMatchesOrt(int input)
    {
        var rng = new Random(8);
        Model m = NewModel();
        Graph g = m.Graph;
        Value a = input == 0 ? Op(g, "Transpose", [Input(g, "a", 5, 3)], NodeAttribute.Of("perm", 1L, 0L)) : Input(g, "a", 3, 5);
        Value b = input == 1 ? Op(g, "Transpose", [Input(g, "b", 6, 5)]) : Input(g, "b", 5, 6);
        Value y = Op(g, "Gemm", [a, b, Random(g, "c", rng, 6)], NodeAttribute.Of(input == 0 ? "transA" : "transB", 0L));
        Output(g, y, Float(3, 6));
        OrtCheck.AssertPreserved(m, model => Assert.Equal(1, RuleRunner.Apply(model, new TransposeGemmFusion()).Applied));
        Assert.Equal(0, Count(m, "Transpose"));
        Assert.Equal(1, y.Producer!.GetInt(input == 0 ? "transA" : "transB", 0));
    }

    [Fact]
    public void RejectsSharedTranspose()
    {
        Model m = NewModel();
        Graph g = m.Graph;
        Value t = Op(g, "Transpose", [Input(g, "a", 5, 3)], NodeAttribute.Of("perm", 1L, 0L));
        Output(g, Op(g, "Gemm", [t, Input(g, "b", 5, 6)]), Float(3, 6));
        Output(g, Op(g, "Relu", [t]), Float(3, 5));
        RuleRunner.AssertRejected(m, new TransposeGemmFusion(), "uses, not 1");
    }

    [Fact]
    public void RejectsGemmWithoutTransposedInputs()
    {
        Model m = NewModel();
        Graph g = m.Graph;
        Output(g, Op(g, "Gemm", [Input(g, "a", 3, 5), Input(g, "b", 5, 6)]), Float(3, 6));
        RuleRunner.AssertRejected(m, new TransposeGemmFusion(), "neither A nor B");
    }
}
