// Tests of fuse-conv-mul and fuse-conv-add: per-channel constants fold into the Conv's weights and bias.
using Onnxc.GraphIR;
using Onnxc.Passes.Fusion;
using Onnxc.Passes.Rewriting;
using static Onnxc.Passes.Tests.TestGraphs;

namespace Onnxc.Passes.Tests.Fusion;

public sealed class ConvAffineFusionTests
{
    public static TheoryData<string, long[]> Cases => new()
    {
        { "Mul", new long[] { 4, 1, 1 } },
        { "Mul", new long[] { 1, 4, 1, 1 } },
        { "Mul", System.Array.Empty<long>() },
        { "Add", new long[] { 4, 1, 1 } },
        { "Add", new long[] { 1 } },
    };

    private static RewriteRule RuleFor(string op) => op == "Mul" ? new ConvMulFusion() : new ConvAddFusion();

    private static (Model Model, Value Conv, Value Constant) Build(string op, long[] constDims, bool constantFirst = false)
    {
        var rng = new Random(11);
        Model m = NewModel();
        Graph g = m.Graph;
        Value conv = Op(g, "Conv", [Input(g, "x", 1, 3, 8, 8), Random(g, "w", rng, 4, 3, 3, 3), Random(g, "b", rng, 4)]);
        Value c = Random(g, "c", rng, constDims);
        Value y = Op(g, op, constantFirst ? [c, conv] : [conv, c]);
        Output(g, y, Float(1, 4, 6, 6));
        return (m, conv, c);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void FoldsPerChannelConstantsAndMatchesOrt(string op, long[] constDims)
    {
        (Model m, _, _) = Build(op, constDims);
        OrtCheck.AssertPreserved(m, model => Assert.Equal(1, RuleRunner.Apply(model, RuleFor(op)).Applied));
        Assert.Equal(0, Count(m, op));
        Assert.DoesNotContain(m.Graph.Initializers, v => v.Name == "c");
    }

    [Theory]
    [InlineData("Mul")]
    [InlineData("Add")]
    public void AcceptsTheConstantOnTheLeft(string op)
    {
        (Model m, _, _) = Build(op, [4, 1, 1], constantFirst: true);
        Assert.Equal(1, RuleRunner.Apply(m, RuleFor(op)).Applied);
    }

    [Theory]
    [InlineData("Mul")]
    [InlineData("Add")]
    public void RejectsConstantsThatVaryAlongSpatialAxes(string op)
    {
        (Model m, _, _) = Build(op, [4, 6, 6]);
        RuleRunner.AssertRejected(m, RuleFor(op), "is not per output channel");
    }

    [Theory]
    [InlineData("Mul")]
    [InlineData("Add")]
    public void RejectsSharedConvOutput(string op)
    {
        (Model m, Value conv, _) = Build(op, [4, 1, 1]);
        Output(m.Graph, Op(m.Graph, "Relu", [conv]), Float(1, 4, 6, 6));
        RuleRunner.AssertRejected(m, RuleFor(op), "uses, not 1");
    }

    [Theory]
    [InlineData("Mul")]
    [InlineData("Add")]
    public void RejectsNonConstantOperand(string op)
    {
        var rng = new Random(2);
        Model m = NewModel();
        Graph g = m.Graph;
        Value conv = Op(g, "Conv", [Input(g, "x", 1, 3, 8, 8), Random(g, "w", rng, 4, 3, 3, 3)]);
        Output(g, Op(g, op, [conv, Input(g, "s", 4, 1, 1)]), Float(1, 4, 6, 6));
        RuleRunner.AssertRejected(m, RuleFor(op), "%s is not a constant initializer");
    }

    [Theory]
    [InlineData("Mul")]
    [InlineData("Add")]
    public void RejectsNonConstantBias(string op)
    {
        var rng = new Random(2);
        Model m = NewModel();
        Graph g = m.Graph;
        Value conv = Op(g, "Conv", [Input(g, "x", 1, 3, 8, 8), Random(g, "w", rng, 4, 3, 3, 3), Input(g, "bias", 4)]);
        Output(g, Op(g, op, [conv, Random(g, "c", rng, 4, 1, 1)]), Float(1, 4, 6, 6));
        RuleRunner.AssertRejected(m, RuleFor(op), "%bias is not a constant initializer");
    }
}
