// Gradient checks of BatchNormalization in inference form (frozen statistics) and LayerNormalization.
using Onnxc.GraphIR;
using Onnxc.GraphIR.Analysis;
using Onnxc.Passes.Training.Autodiff;

namespace Onnxc.Passes.Tests.Training.Autodiff;

public sealed class NormalizationGradientTests
{
    [Theory]
    [InlineData(new long[] { 2, 3, 4, 5 })]
    [InlineData(new long[] { 5, 3 })]
    [InlineData(new long[] { 2, 3, 7 })]
    public void FrozenBatchNormGradientsMatchFiniteDifferencesForEveryInput(long[] x)
    {
        long c = x[1];
        Model m = GradientModels.Single("BatchNormalization", 15, [x, [c], [c], [c], [c]], NodeAttribute.Of("epsilon", 1e-3f));

        // The variance must stay positive: values in [0.5, 1.5].
        var rng = new Random(3);
        float[] variance = [.. Enumerable.Range(0, (int)c).Select(_ => 0.5f + rng.NextSingle())];
        GradientCheck.AssertAll(GradientCheck.Check(m, GradientModels.Names(5),
            inputValues: new Dictionary<string, float[]> { ["x4"] = variance }));
    }

    [Fact]
    public void BatchNormInTrainingModeIsLeftToTheRewrite()
    {
        Model m = GradientModels.New(15);
        Value[] ins = [GradientModels.Input(m, "x0", 2, 3, 4), .. Enumerable.Range(1, 4).Select(i => GradientModels.Input(m, $"x{i}", 3))];
        GradientModels.Node(m, "BatchNormalization", ins, 3, NodeAttribute.Of("training_mode", 1L));
        var e = Assert.ThrowsAny<Exception>(() => GradientCheck.Check(m, ["x0"]));
        Assert.Contains("training mode", e.Message);
    }

    public static TheoryData<long[], long, long[]?> LayerNormCases() => new()
    {
        // x dims, axis, scale dims (null: the normalized dims)
        { [2, 3, 5], -1, null },
        { [2, 3, 4], 1, null },
        { [3, 2, 3, 4], 2, [4] },
        { [4, 6], 0, null },
    };

    [Theory]
    [MemberData(nameof(LayerNormCases))]
    public void LayerNormGradientsMatchFiniteDifferences(long[] x, long axis, long[]? scale)
    {
        int a = (int)(axis < 0 ? axis + x.Length : axis);
        long[] s = scale ?? x[a..];
        Model m = GradientModels.Single("LayerNormalization", 17, [x, s, s], NodeAttribute.Of("axis", axis), NodeAttribute.Of("epsilon", 1e-3f));
        GradientCheck.AssertGradients(m, GradientModels.Names(3));
    }

    [Fact]
    public void LayerNormWithoutBiasAndWithItsStatisticsOutputsDifferentiatesY()
    {
        Model m = GradientModels.New(17);
        Value x = GradientModels.Input(m, "x0", 3, 4);
        Value g = GradientModels.Input(m, "x1", 4);
        Value[] outs = GradientModels.Node(m, "LayerNormalization", [x, g], 3);

        // Only Y is weighted: the statistics outputs are dropped from the loss.
        m.Graph.RemoveOutputAt(2);
        m.Graph.RemoveOutputAt(1);
        _ = outs;
        GradientCheck.AssertGradients(m, "x0", "x1");
    }
}
