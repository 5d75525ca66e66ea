// Tests of fuse-pad-into-conv and fuse-pad-into-averagepool.
using Onnxc.GraphIR;
using Onnxc.Passes.Fusion;
using static Onnxc.Passes.Tests.TestGraphs;

namespace Onnxc.Passes.Tests.Fusion;

public sealed class PadFusionTests
{
    private static (Model Model, Node Pad, Node Consumer) Build(string consumer, long[] pads, string mode = "constant", float padValue = 0f, long countIncludePad = 1)
    {
        var rng = new Random(4);
        Model m = NewModel();
        Graph g = m.Graph;
        Value x = Input(g, "x", 1, 3, 8, 8);
        Value padded = Op(g, "Pad", [x, Ints(g, "pads", pads), Const(g, "pv", [], [padValue])], NodeAttribute.Of("mode", mode));
        Value y = consumer == "Conv"
            ? Op(g, "Conv", [padded, Random(g, "w", rng, 4, 3, 3, 3)], NodeAttribute.Of("pads", 1L, 0L, 0L, 1L))
            : Op(g, "AveragePool", [padded], NodeAttribute.Of("kernel_shape", 3L, 3L), NodeAttribute.Of("count_include_pad", countIncludePad));
        g.AddOutput(y);
        Graph.SetType(y, new TensorType(ElementType.Float, null));
        return (m, padded.Producer!, y.Producer!);
    }

    [Theory]
    [InlineData("Conv")]
    [InlineData("AveragePool")]
    public void MergesSpatialPadsAndMatchesOrt(string consumer)
    {
        (Model m, _, Node c) = Build(consumer, [0, 0, 1, 2, 0, 0, 2, 1]);
        PadFusion rule = consumer == "Conv" ? PadFusion.IntoConv : PadFusion.IntoAveragePool;
        OrtCheck.AssertPreserved(m, model => Assert.Equal(1, RuleRunner.Apply(model, rule).Applied));
        Assert.Equal(0, Count(m, "Pad"));
        long[] expected = consumer == "Conv" ? [2, 2, 2, 2] : [1, 2, 2, 1];
        Assert.Equal(expected, c.GetInts("pads")!.Value.ToArray());
    }

    [Fact]
    public void RejectsReflectMode()
    {
        (Model m, _, _) = Build("Conv", [0, 0, 1, 1, 0, 0, 1, 1], mode: "reflect");
        RuleRunner.AssertRejected(m, PadFusion.IntoConv, "Pad mode is reflect");
    }

    [Fact]
    public void RejectsNonZeroPadValue()
    {
        (Model m, _, _) = Build("Conv", [0, 0, 1, 1, 0, 0, 1, 1], padValue: 1f);
        RuleRunner.AssertRejected(m, PadFusion.IntoConv, "not a constant 0");
    }

    [Fact]
    public void RejectsChannelPadding()
    {
        (Model m, _, _) = Build("Conv", [0, 1, 0, 0, 0, 1, 0, 0]);
        RuleRunner.AssertRejected(m, PadFusion.IntoConv, "touch batch or channel axes");
    }

    [Fact]
    public void RejectsAveragePoolThatExcludesPadding()
    {
        (Model m, _, _) = Build("AveragePool", [0, 0, 1, 1, 0, 0, 1, 1], countIncludePad: 0);
        RuleRunner.AssertRejected(m, PadFusion.IntoAveragePool, "excludes padding");
    }

    [Fact]
    public void RejectsAutoPad()
    {
        (Model m, _, Node conv) = Build("Conv", [0, 0, 1, 1, 0, 0, 1, 1]);
        m.Graph.RemoveAttribute(conv, "pads");
        m.Graph.SetAttribute(conv, NodeAttribute.Of("auto_pad", "SAME_UPPER"));
        RuleRunner.AssertRejected(m, PadFusion.IntoConv, "auto_pad SAME_UPPER");
    }

    [Fact]
    public void RejectsSharedPadOutput()
    {
        (Model m, Node pad, _) = Build("Conv", [0, 0, 1, 1, 0, 0, 1, 1]);
        Output(m.Graph, Op(m.Graph, "Relu", [pad.Outputs[0]]), Float(1, 3, 10, 10));
        RuleRunner.AssertRejected(m, PadFusion.IntoConv, "uses, not 1");
    }

    [Fact]
    public void RejectsNonConstantPads()
    {
        var rng = new Random(4);
        Model m = NewModel();
        Graph g = m.Graph;
        Value padded = Op(g, "Pad", [Input(g, "x", 1, 3, 8, 8), g.AddInput("p", new TensorType(ElementType.Int64, new TensorShape(8)))]);
        Output(g, Op(g, "Conv", [padded, Random(g, "w", rng, 4, 3, 3, 3)]), Float(1, 4, 8, 8));
        RuleRunner.AssertRejected(m, PadFusion.IntoConv, "pads are not constant");
    }
}
