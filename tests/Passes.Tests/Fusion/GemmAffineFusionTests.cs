// Tests of fuse-gemm-mul and fuse-gemm-add: per-column constants fold into a Gemm's B and C.
using Onnxc.GraphIR;
using Onnxc.Passes.Fusion;
using Onnxc.Passes.Rewriting;
using static Onnxc.Passes.Tests.TestGraphs;

namespace Onnxc.Passes.Tests.Fusion;

public sealed class GemmAffineFusionTests
{
    private static RewriteRule RuleFor(string op) => op == "Mul" ? new GemmMulFusion() : new GemmAddFusion();

    private static (Model Model, Value Gemm) Build(string op, long[] constDims, long transB, bool withC)
    {
        var rng = new Random(5);
        Model m = NewModel();
        Graph g = m.Graph;
        Value b = transB == 1 ? Random(g, "B", rng, 6, 5) : Random(g, "B", rng, 5, 6);
        Value? c = withC ? Random(g, "C", rng, 6) : null;
        Value gemm = Op(g, "Gemm", [Input(g, "a", 3, 5), b, c], NodeAttribute.Of("transB", transB), NodeAttribute.Of("alpha", 0.5f), NodeAttribute.Of("beta", 2f));
        Output(g, Op(g, op, [gemm, Random(g, "k", rng, constDims)]), Float(3, 6));
        return (m, gemm);
    }

    [Theory]
    [InlineData("Mul", 0L, true, new long[] { 6 })]
    [InlineData("Mul", 1L, true, new long[] { 1, 6 })]
    [InlineData("Mul", 0L, false, new long[] { })]
    [InlineData("Add", 0L, true, new long[] { 6 })]
    [InlineData("Add", 1L, false, new long[] { 1, 6 })]
    public void FoldsAndMatchesOrt(string op, long transB, bool withC, long[] constDims)
    {
        (Model m, _) = Build(op, constDims, transB, withC);
        OrtCheck.AssertPreserved(m, model => Assert.Equal(1, RuleRunner.Apply(model, RuleFor(op)).Applied));
        Assert.Equal(0, Count(m, op));
    }

    [Theory]
    [InlineData("Mul")]
    [InlineData("Add")]
    public void RejectsConstantsThatVaryByRow(string op)
    {
        (Model m, _) = Build(op, [3, 6], 0, withC: true);
        RuleRunner.AssertRejected(m, RuleFor(op), "does not broadcast along the rows");
    }

    [Theory]
    [InlineData("Mul")]
    [InlineData("Add")]
    public void RejectsSharedGemmOutput(string op)
    {
        (Model m, Value gemm) = Build(op, [6], 0, withC: true);
        Output(m.Graph, Op(m.Graph, "Relu", [gemm]), Float(3, 6));
        RuleRunner.AssertRejected(m, RuleFor(op), "uses, not 1");
    }

    [Theory]
    [InlineData("Mul")]
    [InlineData("Add")]
    public void RejectsNonConstantC(string op)
    {
        var rng = new Random(5);
        Model m = NewModel();
        Graph g = m.Graph;
        Value gemm = Op(g, "Gemm", [Input(g, "a", 3, 5), Random(g, "B", rng, 5, 6), Input(g, "C", 6)]);
        Output(g, Op(g, op, [gemm, Random(g, "k", rng, 6)]), Float(3, 6));
        RuleRunner.AssertRejected(m, RuleFor(op), "%C is not a constant initializer");
    }

    [Fact]
    public void MulRejectsNonConstantB()
    {
        var rng = new Random(5);
        Model m = NewModel();
        Graph g = m.Graph;
        Value gemm = Op(g, "Gemm", [Input(g, "a", 3, 5), Input(g, "B", 5, 6)]);
        Output(g, Op(g, "Mul", [gemm, Random(g, "k", rng, 6)]), Float(3, 6));
        RuleRunner.AssertRejected(m, new GemmMulFusion(), "%B is not a constant initializer");
    }
}
