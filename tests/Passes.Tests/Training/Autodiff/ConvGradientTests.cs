// Gradient checks of Conv: strides with remainders, asymmetric pads, dilations, groups, depthwise, 1-D, auto_pad.
using Onnxc.GraphIR;

namespace Onnxc.Passes.Tests.Training.Autodiff;

public sealed class ConvGradientTests
{
    public static TheoryData<string, long[], long[], long[], long[], long[], long, bool> Cases() => new()
    {
        // name, x dims, w dims, strides, pads, dilations, group, bias
        { "plain 3x3", [2, 3, 7, 6], [4, 3, 3, 3], [1, 1], [0, 0, 0, 0], [1, 1], 1, true },
        { "stride 2 with a remainder", [2, 2, 8, 7], [3, 2, 3, 3], [2, 2], [1, 1, 1, 1], [1, 1], 1, true },
        { "asymmetric pads, stride 3", [1, 2, 9, 8], [2, 2, 2, 3], [3, 2], [0, 1, 2, 0], [1, 1], 1, false },
        { "dilation 2", [2, 2, 9, 9], [3, 2, 3, 3], [1, 1], [2, 2, 2, 2], [2, 2], 1, true },
        { "two groups", [2, 4, 6, 5], [6, 2, 3, 3], [1, 2], [1, 1, 1, 1], [1, 1], 2, true },
        { "depthwise, stride 2", [3, 3, 7, 7], [3, 1, 3, 3], [2, 2], [1, 1, 1, 1], [1, 1], 3, true },
        { "1x1", [2, 5, 4, 3], [3, 5, 1, 1], [1, 1], [0, 0, 0, 0], [1, 1], 1, true },
        { "1-D", [2, 3, 11], [4, 3, 3], [2], [1, 0], [1], 1, true },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void ConvGradientsMatchFiniteDifferences(string name, long[] x, long[] w, long[] strides, long[] pads, long[] dilations, long group, bool bias)
    {
        _ = name;
        long[][] inputs = bias ? [x, w, [w[0]]] : [x, w];
        Model m = GradientModels.Single("Conv", 17, inputs,
            NodeAttribute.Of("strides", strides), NodeAttribute.Of("pads", pads), NodeAttribute.Of("dilations", dilations),
            NodeAttribute.Of("group", group));
        GradientCheck.AssertGradients(m, GradientModels.Names(inputs.Length));
    }

    [Theory]
    [InlineData("SAME_UPPER")]
    [InlineData("SAME_LOWER")]
    [InlineData("VALID")]
    public void AutoPadResolvesToExplicitPads(string autoPad)
    {
        Model m = GradientModels.Single("Conv", 17, [[1, 2, 7, 6], [3, 2, 2, 3]],
            NodeAttribute.Of("strides", new long[] { 2, 2 }), NodeAttribute.Of("auto_pad", autoPad));
        GradientCheck.AssertGradients(m, GradientModels.Names(2));
    }

    [Fact]
    public void ABatchOfOneAndASymbolicBatchWork()
    {
        Model m = GradientModels.New(17);
        Value x = TestGraphs.Input(m.Graph, "x0", 1, 2, 5, 5);
        Value w = m.Graph.AddInitializer("w", TensorData.FromFloats([2, 2, 3, 3], [.. Enumerable.Range(0, 36).Select(i => (float)Math.Sin(i))]));
        GradientModels.Node(m, "Conv", [x, w], 1, NodeAttribute.Of("pads", new long[] { 1, 1, 1, 1 }));
        GradientCheck.AssertGradients(m, "x0", "w");
    }
}

public sealed class ConvTransposeGradientTests
{
    public static TheoryData<string, long[], long[], long[], long[], long[], long[], long, bool> Cases() => new()
    {
        // name, x dims, w dims [C, M/g, K], strides, pads, output_padding, dilations, group, bias
        { "plain 3x3", [2, 3, 5, 4], [3, 2, 3, 3], [1, 1], [0, 0, 0, 0], [0, 0], [1, 1], 1, true },
        { "stride 2, pads 1, output_padding 1", [2, 2, 4, 5], [2, 3, 3, 3], [2, 2], [1, 1, 1, 1], [1, 1], [1, 1], 1, true },
        { "asymmetric pads, stride 3 by 2", [1, 2, 4, 3], [2, 2, 2, 3], [3, 2], [0, 1, 1, 0], [2, 0], [1, 1], 1, false },
        { "dilation 2", [2, 2, 4, 4], [2, 2, 3, 3], [1, 1], [1, 1, 1, 1], [0, 0], [2, 2], 1, true },
        { "two groups", [2, 4, 4, 3], [4, 3, 3, 3], [2, 1], [1, 1, 1, 1], [0, 0], [1, 1], 2, true },
        { "1-D", [2, 3, 6], [3, 4, 3], [2], [1, 0], [1], [1], 1, true },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void ConvTransposeGradientsMatchFiniteDifferences(
        string name, long[] x, long[] w, long[] strides, long[] pads, long[] outputPadding, long[] dilations, long group, bool bias)
    {
        _ = name;
        long[][] inputs = bias ? [x, w, [w[1] * group]] : [x, w];
        Model m = GradientModels.Single("ConvTranspose", 17, inputs,
            NodeAttribute.Of("strides", strides), NodeAttribute.Of("pads", pads), NodeAttribute.Of("dilations", dilations),
            NodeAttribute.Of("output_padding", outputPadding), NodeAttribute.Of("group", group));
        GradientCheck.AssertGradients(m, GradientModels.Names(inputs.Length));
    }

    [Fact]
    public void OutputShapeIsRefusedWithAClearMessage()
    {
        Model m = GradientModels.Single("ConvTranspose", 17, [[1, 2, 4, 4], [2, 2, 3, 3]],
            NodeAttribute.Of("strides", new long[] { 2, 2 }), NodeAttribute.Of("output_shape", new long[] { 8, 8 }));
        var e = Assert.ThrowsAny<Exception>(() => GradientCheck.Check(m, ["x0"]));
        Assert.Contains("output_shape", e.Message);
    }
}
