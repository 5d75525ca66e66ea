// Tests of eliminate-dq-q-pair, sink-dq-past-* and duplicate Q/DQ merging (CSE after initializer merging).
using Onnxc.GraphIR;
using Onnxc.Passes.Cleanup;
using Onnxc.Passes.Qdq;
using static Onnxc.Passes.Tests.TestGraphs;

namespace Onnxc.Passes.Tests.Qdq;

public sealed class QdqRulesTests
{
    private static Value Scale(Graph g, string name, float s) => Const(g, name, [], [s]);

    private static Value Zero(Graph g, string name, byte z) => g.AddInitializer(name, TensorData.FromBytesU8([], [z]));

    private static Value Quantize(Graph g, Value x, string tag, float s = 0.02f, byte z = 128) =>
        Op(g, "QuantizeLinear", [x, Scale(g, "s" + tag, s), Zero(g, "z" + tag, z)]);

    private static Value Dequantize(Graph g, Value q, string tag, float s = 0.02f, byte z = 128) =>
        Op(g, "DequantizeLinear", [q, Scale(g, "s" + tag, s), Zero(g, "z" + tag, z)]);

    [Fact]
    public void RemovesDqQWithEqualParametersAndMatchesOrt()
    {
        Model m = NewModel();
        Graph g = m.Graph;
        Value q = Quantize(g, Input(g, "x", 2, 4), "a");
        Value q2 = Quantize(g, Dequantize(g, q, "b"), "c");
        Output(g, Dequantize(g, q2, "d"), Float(2, 4));
        OrtCheck.AssertPreserved(m, model => Assert.Equal(1, RuleRunner.Apply(model, new DequantizeQuantizeElimination()).Applied));
        Assert.Equal(1, Count(m, "QuantizeLinear"));
        Assert.Equal(1, Count(m, "DequantizeLinear"));
    }

    [Fact]
    public void KeepsDqQWithDifferentScales()
    {
        Model m = NewModel();
        Graph g = m.Graph;
        Value q = Quantize(g, Input(g, "x", 2, 4), "a");
        Value q2 = Quantize(g, Dequantize(g, q, "b"), "c", s: 0.04f);
        Output(g, Dequantize(g, q2, "d"), Float(2, 4));
        RuleRunner.AssertRejected(m, new DequantizeQuantizeElimination(), "the scales differ");
    }

    [Fact]
    public void KeepsDqQWithDifferentZeroPoints()
    {
        Model m = NewModel();
        Graph g = m.Graph;
        Value q = Quantize(g, Input(g, "x", 2, 4), "a");
        Value q2 = Quantize(g, Dequantize(g, q, "b"), "c", z: 100);
        Output(g, Dequantize(g, q2, "d"), Float(2, 4));
        RuleRunner.AssertRejected(m, new DequantizeQuantizeElimination(), "zero points differ");
    }

    [Fact]
    public void SinksDqPastTransposeAndMatchesOrt()
    {
        Model m = NewModel();
        Graph g = m.Graph;
        Value dq = Dequantize(g, Quantize(g, Input(g, "x", 2, 4), "a"), "b");
        Value t = Op(g, "Transpose", [dq], NodeAttribute.Of("perm", 1L, 0L));
        Output(g, Op(g, "Relu", [t]), Float(4, 2));
        OrtCheck.AssertPreserved(m, model => Assert.Equal(1, RuleRunner.Apply(model, DequantizeSinking.All[0]).Applied));
        Assert.Equal(["QuantizeLinear", "Transpose", "DequantizeLinear", "Relu"], m.Graph.Nodes.Select(n => n.OpType));
    }

    [Fact]
    public void KeepsPerAxisDq()
    {
        Model m = NewModel();
        Graph g = m.Graph;
        Value q = Quantize(g, Input(g, "x", 2, 4), "a");
        Value dq = Op(g, "DequantizeLinear", [q, Const(g, "sv", [2], [0.1f, 0.2f]), g.AddInitializer("zv", TensorData.FromBytesU8([2], [128, 128]))], NodeAttribute.Of("axis", 0L));
        Output(g, Op(g, "Relu", [Op(g, "Transpose", [dq], NodeAttribute.Of("perm", 1L, 0L))]), Float(4, 2));
        RuleRunner.AssertRejected(m, DequantizeSinking.All[0], "not a constant scalar");
    }

    [Fact]
    public void KeepsSharedDq()
    {
        Model m = NewModel();
        Graph g = m.Graph;
        Value dq = Dequantize(g, Quantize(g, Input(g, "x", 2, 4), "a"), "b");
        Output(g, Op(g, "Relu", [Op(g, "Transpose", [dq], NodeAttribute.Of("perm", 1L, 0L))]), Float(4, 2));
        Output(g, Op(g, "Neg", [dq]), Float(2, 4));
        RuleRunner.AssertRejected(m, DequantizeSinking.All[0], "uses, not 1");
    }

    [Fact]
    public void DuplicateQdqPairsMergeThroughInitializerMergingAndCse()
    {
        Model m = NewModel();
        Graph g = m.Graph;
        Value x = Input(g, "x", 2, 4);
        Value a = Dequantize(g, Quantize(g, x, "1"), "2");
        Value b = Dequantize(g, Quantize(g, x, "3"), "4");
        Output(g, Op(g, "Add", [a, b]), Float(2, 4));
        OrtCheck.AssertPreserved(m, model =>
        {
            var pm = new PassManager();
            pm.AddFixedPoint(new DuplicateInitializerMerging(), new CommonSubexpressionElimination(), new DeadCodeElimination());
            pm.Run(model, Context());
        });
        Assert.Equal(1, Count(m, "QuantizeLinear"));
        Assert.Equal(1, Count(m, "DequantizeLinear"));
    }

    [Fact]
    public void HoistsQAboveReshapeAndMatchesOrt()
    {
        Model m = NewModel();
        Graph g = m.Graph;
        Value r = Op(g, "Reshape", [Op(g, "Relu", [Input(g, "x", 2, 4)]), Ints(g, "shape", 4, 2)]);
        Output(g, Dequantize(g, Quantize(g, r, "a"), "b"), Float(4, 2));
        OrtCheck.AssertPreserved(m, model => Assert.Equal(1, RuleRunner.Apply(model, new QuantizeHoisting()).Applied));
        Assert.Equal(["Relu", "QuantizeLinear", "Reshape", "DequantizeLinear"], m.Graph.Nodes.Select(n => n.OpType));
    }

    [Fact]
    public void KeepsQAfterSharedDataMovement()
    {
        Model m = NewModel();
        Graph g = m.Graph;
        Value r = Op(g, "Reshape", [Op(g, "Relu", [Input(g, "x", 2, 4)]), Ints(g, "shape", 4, 2)]);
        Output(g, Dequantize(g, Quantize(g, r, "a"), "b"), Float(4, 2));
        Output(g, Op(g, "Neg", [r]), Float(4, 2));
        RuleRunner.AssertRejected(m, new QuantizeHoisting(), "uses, not 1");
    }

    [Fact]
    public void KeepsPerAxisQ()
    {
        Model m = NewModel();
        Graph g = m.Graph;
        Value r = Op(g, "Reshape", [Op(g, "Relu", [Input(g, "x", 2, 4)]), Ints(g, "shape", 4, 2)]);
        Value q = Op(g, "QuantizeLinear", [r, Const(g, "sv", [2], [0.1f, 0.2f]), g.AddInitializer("zv", TensorData.FromBytesU8([2], [128, 128]))], NodeAttribute.Of("axis", 1L));
        Output(g, Dequantize(g, q, "b"), Float(4, 2));
        RuleRunner.AssertRejected(m, new QuantizeHoisting(), "not a constant scalar");
    }
}
