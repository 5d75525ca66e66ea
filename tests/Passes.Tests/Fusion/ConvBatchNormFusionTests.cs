// Tests of fuse-conv-batchnorm: fusion, numerics through ORT, and one negative test per guard.
using Onnxc.GraphIR;
using Onnxc.Passes.Fusion;
using static Onnxc.Passes.Tests.TestGraphs;

namespace Onnxc.Passes.Tests.Fusion;

public sealed class ConvBatchNormFusionTests
{
    private static (Model Model, Node Conv, Node Bn) Build(bool biasOnConv = true)
    {
        var rng = new Random(7);
        Model m = NewModel();
        Graph g = m.Graph;
        Value x = Input(g, "x", 1, 3, 8, 8);
        Value w = Random(g, "w", rng, 4, 3, 3, 3);
        Value? b = biasOnConv ? Random(g, "b", rng, 4) : null;
        Value conv = Op(g, "Conv", [x, w, b], NodeAttribute.Of("pads", 1L, 1L, 1L, 1L));
        Value y = Op(g, "BatchNormalization",
            [conv, Random(g, "gamma", rng, 4), Random(g, "beta", rng, 4), Random(g, "mean", rng, 4), RandomPositive(g, "var", rng, 4)],
            NodeAttribute.Of("epsilon", 1e-3f));
        Output(g, y, Float(1, 4, 8, 8));
        return (m, conv.Producer!, y.Producer!);
    }

    [Fact]
    public void FusesIntoConvAndKeepsTheOutputName()
    {
        (Model m, _, _) = Build();
        var stats = RuleRunner.Apply(m, new ConvBatchNormFusion());
        Assert.Equal(1, stats.Applied);
        Assert.Equal(0, Count(m, "BatchNormalization"));
        Assert.Equal(1, Count(m, "Conv"));
        Assert.Equal("Conv", m.Graph.Outputs[0].Producer!.OpType);
        Assert.DoesNotContain(m.Graph.Initializers, v => v.Name is "gamma" or "mean" or "w");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void MatchesOrtNumerically(bool biasOnConv)
    {
        (Model m, _, _) = Build(biasOnConv);
        OrtCheck.AssertPreserved(m, model => RuleRunner.Apply(model, new ConvBatchNormFusion()));
        Assert.Equal(0, Count(m, "BatchNormalization"));
    }

    [Fact]
    public void RejectsConvOutputWithAnotherReader()
    {
        (Model m, Node conv, _) = Build();
        Output(m.Graph, Op(m.Graph, "Relu", [conv.Outputs[0]]), Float(1, 4, 8, 8));
        RuleRunner.AssertRejected(m, new ConvBatchNormFusion(), "uses, not 1");
    }

    [Fact]
    public void RejectsNonConstantWeights()
    {
        Model m = NewModel();
        Graph g = m.Graph;
        var rng = new Random(1);
        Value conv = Op(g, "Conv", [Input(g, "x", 1, 3, 8, 8), Input(g, "w", 4, 3, 3, 3)]);
        Value y = Op(g, "BatchNormalization", [conv, Random(g, "s", rng, 4), Random(g, "bb", rng, 4), Random(g, "mu", rng, 4), RandomPositive(g, "v", rng, 4)]);
        Output(g, y, Float(1, 4, 6, 6));
        RuleRunner.AssertRejected(m, new ConvBatchNormFusion(), "%w is not a constant initializer");
    }

    [Fact]
    public void RejectsStatisticsThatAreGraphInputs()
    {
        (Model m, _, Node bn) = Build();
        Value mean = bn.Inputs[3]!;
        m.Graph.AddInput(mean); // an initializer that is also an input can be overridden at run time
        RuleRunner.AssertRejected(m, new ConvBatchNormFusion(), "%mean is not a constant initializer");
    }

    [Fact]
    public void RejectsTrainingMode()
    {
        (Model m, _, Node bn) = Build();
        m.Graph.SetAttribute(bn, NodeAttribute.Of("training_mode", 1L));
        RuleRunner.AssertRejected(m, new ConvBatchNormFusion(), "training mode");
    }

    [Fact]
    public void RejectsUsedRunningStatistics()
    {
        Model m = NewModel(9);
        Graph g = m.Graph;
        var rng = new Random(3);
        Value conv = Op(g, "Conv", [Input(g, "x", 1, 3, 8, 8), Random(g, "w", rng, 4, 3, 3, 3)]);
        Node bn = g.AddNode("BatchNormalization", [conv, Random(g, "s", rng, 4), Random(g, "bb", rng, 4), Random(g, "mu", rng, 4), RandomPositive(g, "v", rng, 4)], ["y", "running_mean"]);
        Output(g, bn.Outputs[0]!, Float(1, 4, 6, 6));
        Output(g, bn.Outputs[1]!, Float(4));
        RuleRunner.AssertRejected(m, new ConvBatchNormFusion(), "running mean/var outputs are used");
    }

    [Fact]
    public void RejectsBatchNormNotFedByConv()
    {
        Model m = NewModel();
        Graph g = m.Graph;
        var rng = new Random(3);
        Value relu = Op(g, "Relu", [Input(g, "x", 1, 4, 8, 8)]);
        Value y = Op(g, "BatchNormalization", [relu, Random(g, "s", rng, 4), Random(g, "bb", rng, 4), Random(g, "mu", rng, 4), RandomPositive(g, "v", rng, 4)]);
        Output(g, y, Float(1, 4, 8, 8));
        RuleRunner.AssertRejected(m, new ConvBatchNormFusion(), "not produced by a Conv");
    }

    [Fact]
    public void RejectsParametersOfTheWrongLength()
    {
        Model m = NewModel();
        Graph g = m.Graph;
        var rng = new Random(3);
        Value conv = Op(g, "Conv", [Input(g, "x", 1, 3, 8, 8), Random(g, "w", rng, 4, 3, 3, 3)]);
        Value y = Op(g, "BatchNormalization", [conv, Random(g, "s", rng, 1), Random(g, "bb", rng, 4), Random(g, "mu", rng, 4), RandomPositive(g, "v", rng, 4)]);
        Output(g, y, Float(1, 4, 6, 6));
        RuleRunner.AssertRejected(m, new ConvBatchNormFusion(), "BN parameter 1");
    }

    [Fact]
    public void RejectsSpatialZero()
    {
        // Opset < 9 BatchNormalization with spatial=0 normalizes per element, not per channel.
        Model m = NewModel();
        Graph g = m.Graph;
        var rng = new Random(4);
        Value conv = Op(g, "Conv", [Input(g, "x", 1, 3, 8, 8), Random(g, "w", rng, 4, 3, 3, 3)]);
        Value y = Op(g, "BatchNormalization", [conv, Random(g, "s", rng, 4), Random(g, "bb", rng, 4), Random(g, "mu", rng, 4), RandomPositive(g, "v", rng, 4)],
            NodeAttribute.Of("spatial", 0L));
        Output(g, y, Float(1, 4, 6, 6));
        RuleRunner.AssertRejected(m, new ConvBatchNormFusion(), "spatial=0 BatchNormalization");
    }

    [Fact]
    public void RejectsWeightsThatAreNotFloatOrDouble()
    {
        // Folding a scale into float16 weights would round twice; the rule leaves them alone.
        Model m = NewModel();
        Graph g = m.Graph;
        var rng = new Random(5);
        Value x = g.AddInput("x", new TensorType(ElementType.Float16, new TensorShape([1, 3, 8, 8])));
        Value w = g.AddConstant("w", TensorData.FromBytes(ElementType.Float16, [4, 3, 3, 3], new byte[4 * 3 * 3 * 3 * 2]));
        Value conv = Op(g, "Conv", [x, w]);
        Value y = Op(g, "BatchNormalization", [conv, Random(g, "s", rng, 4), Random(g, "bb", rng, 4), Random(g, "mu", rng, 4), RandomPositive(g, "v", rng, 4)]);
        Output(g, y, new TensorType(ElementType.Float16, new TensorShape([1, 4, 6, 6])));
        RuleRunner.AssertRejected(m, new ConvBatchNormFusion(), "weights are not FLOAT or DOUBLE");
    }

    [Fact]
    public void RejectsAConvBiasThatIsNotAConstant()
    {
        Model m = NewModel();
        Graph g = m.Graph;
        var rng = new Random(6);
        Value conv = Op(g, "Conv", [Input(g, "x", 1, 3, 8, 8), Random(g, "w", rng, 4, 3, 3, 3), Input(g, "b", 4)]);
        Value y = Op(g, "BatchNormalization", [conv, Random(g, "s", rng, 4), Random(g, "bb", rng, 4), Random(g, "mu", rng, 4), RandomPositive(g, "v", rng, 4)]);
        Output(g, y, Float(1, 4, 6, 6));
        RuleRunner.AssertRejected(m, new ConvBatchNormFusion(), "%b is not a constant initializer");
    }
}
