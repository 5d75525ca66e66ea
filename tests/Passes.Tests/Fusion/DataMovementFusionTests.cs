// Tests of merge-consecutive-transposes, merge-consecutive-reshapes and the Squeeze/Unsqueeze cancellations.
using Onnxc.GraphIR;
using Onnxc.Passes.Fusion;
using static Onnxc.Passes.Tests.TestGraphs;

namespace Onnxc.Passes.Tests.Fusion;

public sealed class DataMovementFusionTests
{
    [Fact]
    public void ComposesTransposesAndMatchesOrt()
    {
        Model m = NewModel();
        Graph g = m.Graph;
        Value t1 = Op(g, "Transpose", [Input(g, "x", 2, 3, 4, 5)], NodeAttribute.Of("perm", 0L, 2L, 3L, 1L));
        Value t2 = Op(g, "Transpose", [t1], NodeAttribute.Of("perm", 3L, 0L, 2L, 1L));
        Output(g, t2, Float(3, 2, 5, 4));
        OrtCheck.AssertPreserved(m, model => Assert.Equal(1, RuleRunner.Apply(model, new TransposeChainFusion()).Applied));
        Assert.Equal(1, Count(m, "Transpose"));
        Assert.Equal([1L, 0L, 3L, 2L], t2.Producer!.GetInts("perm")!.Value.ToArray());
    }

    [Fact]
    public void TransposeChainRejectsImplicitPerm()
    {
        Model m = NewModel();
        Graph g = m.Graph;
        Value t1 = Op(g, "Transpose", [Input(g, "x", 2, 3)]);
        Output(g, Op(g, "Transpose", [t1], NodeAttribute.Of("perm", 1L, 0L)), Float(2, 3));
        RuleRunner.AssertRejected(m, new TransposeChainFusion(), "perm is implicit");
    }

    [Fact]
    public void MergesReshapesAndMatchesOrt()
    {
        Model m = NewModel();
        Graph g = m.Graph;
        Value r1 = Op(g, "Flatten", [Input(g, "x", 2, 3, 4)]);
        Value r2 = Op(g, "Reshape", [r1, Ints(g, "s", 4, -1)]);
        Output(g, r2, Float(4, 6));
        OrtCheck.AssertPreserved(m, model => Assert.Equal(1, RuleRunner.Apply(model, new ReshapeChainFusion()).Applied));
        Assert.Equal(0, Count(m, "Flatten"));
    }

    [Fact]
    public void ReshapeChainRejectsCopiedDims()
    {
        Model m = NewModel();
        Graph g = m.Graph;
        Value r1 = Op(g, "Reshape", [Input(g, "x", 2, 3, 4), Ints(g, "s1", 6, 4)]);
        Output(g, Op(g, "Reshape", [r1, Ints(g, "s2", 0, 2, 2)]), Float(6, 2, 2));
        RuleRunner.AssertRejected(m, new ReshapeChainFusion(), "copies a dim");
    }

    [Fact]
    public void ReshapeChainRejectsNonConstantShape()
    {
        Model m = NewModel();
        Graph g = m.Graph;
        Value r1 = Op(g, "Reshape", [Input(g, "x", 2, 3, 4), Ints(g, "s1", 6, 4)]);
        Value shape = g.AddInput("s2", new TensorType(ElementType.Int64, new TensorShape(2)));
        Output(g, Op(g, "Reshape", [r1, shape]), new TensorType(ElementType.Float, null));
        RuleRunner.AssertRejected(m, new ReshapeChainFusion(), "%s2 is not a constant initializer");
    }

    [Fact]
    public void CancelsUnsqueezeOfSqueezeAndMatchesOrt()
    {
        Model m = NewModel();
        Graph g = m.Graph;
        Value x = Op(g, "Relu", [Input(g, "x", 2, 1, 3)]);
        Value s = Op(g, "Squeeze", [x, Ints(g, "a1", 1)]);
        Value u = Op(g, "Unsqueeze", [s, Ints(g, "a2", 1)]);
        Output(g, Op(g, "Relu", [u]), Float(2, 1, 3));
        OrtCheck.AssertPreserved(m, model => Assert.Equal(1, RuleRunner.Apply(model, SqueezeUnsqueezeCancellation.UnsqueezeOfSqueeze).Applied));
        Assert.Equal(0, Count(m, "Squeeze") + Count(m, "Unsqueeze"));
    }

    [Fact]
    public void CancelsSqueezeOfUnsqueeze()
    {
        Model m = NewModel(11);
        Graph g = m.Graph;
        Value x = Op(g, "Relu", [Input(g, "x", 2, 3)]);
        Value u = Op(g, "Unsqueeze", [x], NodeAttribute.Of("axes", 0L, 2L));
        Value s = Op(g, "Squeeze", [u], NodeAttribute.Of("axes", 2L, 0L));
        Output(g, Op(g, "Relu", [s]), Float(2, 3));
        Assert.Equal(1, RuleRunner.Apply(m, SqueezeUnsqueezeCancellation.SqueezeOfUnsqueeze).Applied);
        Assert.Equal(0, Count(m, "Squeeze") + Count(m, "Unsqueeze"));
    }

    [Fact]
    public void CancellationRejectsDifferentAxes()
    {
        Model m = NewModel(11);
        Graph g = m.Graph;
        Value u = Op(g, "Unsqueeze", [Op(g, "Relu", [Input(g, "x", 2, 3)])], NodeAttribute.Of("axes", new[] { 0L }));
        Output(g, Op(g, "Squeeze", [u], NodeAttribute.Of("axes", new[] { 1L })), Float(2, 3));
        RuleRunner.AssertRejected(m, SqueezeUnsqueezeCancellation.SqueezeOfUnsqueeze, "differ");
    }

    [Fact]
    public void CancellationRejectsNegativeAxes()
    {
        Model m = NewModel(11);
        Graph g = m.Graph;
        Value u = Op(g, "Unsqueeze", [Op(g, "Relu", [Input(g, "x", 2, 3)])], NodeAttribute.Of("axes", new[] { -1L }));
        Output(g, Op(g, "Squeeze", [u], NodeAttribute.Of("axes", new[] { -1L })), Float(2, 3));
        RuleRunner.AssertRejected(m, SqueezeUnsqueezeCancellation.SqueezeOfUnsqueeze, "negative axes");
    }

    [Fact]
    public void CancellationRejectsGraphOutputFedByGraphInput()
    {
        Model m = NewModel(11);
        Graph g = m.Graph;
        Value u = Op(g, "Unsqueeze", [Input(g, "x", 2, 3)], NodeAttribute.Of("axes", new[] { 0L }));
        Output(g, Op(g, "Squeeze", [u], NodeAttribute.Of("axes", new[] { 0L })), Float(2, 3));
        RuleRunner.AssertRejected(m, SqueezeUnsqueezeCancellation.SqueezeOfUnsqueeze, "cannot replace");
    }
}
