// Tests of eliminate-same-shape-reshape, eliminate-identity-transpose, eliminate-zero-pad, eliminate-full-slice
// and eliminate-single-input-concat.
using Onnxc.GraphIR;
using Onnxc.Passes.Cleanup.NoOps;
using Onnxc.Passes.Rewriting;
using static Onnxc.Passes.Tests.TestGraphs;

namespace Onnxc.Passes.Tests.Cleanup.NoOps;

public sealed class ShapeNoOpEliminationTests
{
    /// <summary>x [N,3,4] -> Relu -> op -> Relu -> output, with the Relu output typed so rules see its shape.</summary>
    private static Model Build(Func<Graph, Value, Value> op)
    {
        Model m = NewModel();
        Graph g = m.Graph;
        Value x = g.AddInput("x", new TensorType(ElementType.Float, new TensorShape([Dim.Symbol("N"), 3, 4])));
        Value r = Op(g, "Relu", [x]);
        Graph.SetType(r, new TensorType(ElementType.Float, new TensorShape([Dim.Symbol("N"), 3, 4])));
        Value y = Op(g, "Relu", [op(g, r)]);
        g.AddOutput(y);
        Graph.SetType(y, new TensorType(ElementType.Float, null));
        return m;
    }

    private static void AssertRemoved(Model m, RewriteRule rule, string op)
    {
        OrtCheck.AssertPreserved(m, model => Assert.Equal(1, RuleRunner.Apply(model, rule).Applied));
        Assert.Equal(0, Count(m, op));
    }

    [Fact]
    public void RemovesReshapeThatKeepsTheShape() =>
        AssertRemoved(Build((g, r) => Op(g, "Reshape", [r, Ints(g, "s", 0, 3, -1)])), new ReshapeElimination(), "Reshape");

    [Fact]
    public void KeepsReshapeThatChangesTheShape() =>
        RuleRunner.AssertRejected(Build((g, r) => Op(g, "Reshape", [r, Ints(g, "s", 0, 4, 3)])), new ReshapeElimination(), "dim 1 becomes 4");

    [Fact]
    public void KeepsReshapeOfUnknownShape()
    {
        Model m = Build((g, r) => Op(g, "Reshape", [r, Ints(g, "s", 0, 3, 4)]));
        Graph.SetType(m.Graph.Nodes[0].Outputs[0]!, new TensorType(ElementType.Float, null));
        RuleRunner.AssertRejected(m, new ReshapeElimination(), "is unknown");
    }

    [Fact]
    public void KeepsReshapeWithRuntimeTarget() =>
        RuleRunner.AssertRejected(
            Build((g, r) => Op(g, "Reshape", [r, g.AddInput("s", new TensorType(ElementType.Int64, new TensorShape(3)))])),
            new ReshapeElimination(),
            "not constant");

    [Fact]
    public void RemovesIdentityTranspose() =>
        AssertRemoved(Build((g, r) => Op(g, "Transpose", [r], NodeAttribute.Of("perm", 0L, 1L, 2L))), new TransposeElimination(), "Transpose");

    [Fact]
    public void KeepsTransposeThatMovesAxes() =>
        RuleRunner.AssertRejected(Build((g, r) => Op(g, "Transpose", [r], NodeAttribute.Of("perm", 0L, 2L, 1L))), new TransposeElimination(), "moves axes");

    [Fact]
    public void RemovesZeroPad() =>
        AssertRemoved(Build((g, r) => Op(g, "Pad", [r, Ints(g, "p", 0, 0, 0, 0, 0, 0)], NodeAttribute.Of("mode", "reflect"))), new PadElimination(), "Pad");

    [Fact]
    public void KeepsNonZeroPad() =>
        RuleRunner.AssertRejected(Build((g, r) => Op(g, "Pad", [r, Ints(g, "p", 0, 0, 1, 0, 0, 0)])), new PadElimination(), "not all zero");

    [Fact]
    public void RemovesFullSlice() =>
        AssertRemoved(Build((g, r) => Op(g, "Slice", [r, Ints(g, "st", 0, 0), Ints(g, "en", long.MaxValue, 4), Ints(g, "ax", 0, 2)])), new SliceElimination(), "Slice");

    [Fact]
    public void KeepsPartialSlice() =>
        RuleRunner.AssertRejected(Build((g, r) => Op(g, "Slice", [r, Ints(g, "st", 0), Ints(g, "en", 3), Ints(g, "ax", 2)])), new SliceElimination(), "is sliced");

    [Fact]
    public void KeepsStridedSlice() =>
        RuleRunner.AssertRejected(
            Build((g, r) => Op(g, "Slice", [r, Ints(g, "st", 0), Ints(g, "en", 4), Ints(g, "ax", 2), Ints(g, "sp", 2)])),
            new SliceElimination(),
            "step 2");

    [Fact]
    public void RemovesSingleInputConcat() =>
        AssertRemoved(Build((g, r) => Op(g, "Concat", [r], NodeAttribute.Of("axis", 1L))), new ConcatElimination(), "Concat");

    [Fact]
    public void KeepsTwoInputConcat() =>
        RuleRunner.AssertRejected(Build((g, r) => Op(g, "Concat", [r, r], NodeAttribute.Of("axis", 1L))), new ConcatElimination(), "2 inputs");
}
