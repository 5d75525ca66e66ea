// Gradient checks of MaxPool (overlapping windows included), AveragePool (padding counted or not) and GlobalAveragePool.
using Onnxc.GraphIR;

namespace Onnxc.Passes.Tests.Training.Autodiff;

public sealed class PoolGradientTests
{
    public static TheoryData<long[], long[], long[], long[]> MaxCases() => new()
    {
        { [2, 3, 6, 6], [2, 2], [2, 2], [0, 0, 0, 0] },
        { [1, 2, 7, 7], [3, 3], [2, 2], [1, 1, 1, 1] },
        { [2, 1, 5, 8], [2, 3], [1, 2], [0, 1, 1, 0] },
        { [2, 3, 9], [3], [2], [1, 1] },
    };

    [Theory]
    [MemberData(nameof(MaxCases))]
    public void MaxPoolRoutesToTheArgmax(long[] x, long[] kernel, long[] strides, long[] pads)
    {
        Model m = GradientModels.Single("MaxPool", 17, [x],
            NodeAttribute.Of("kernel_shape", kernel), NodeAttribute.Of("strides", strides), NodeAttribute.Of("pads", pads));

        // Distinct values a good step apart, so no window holds a tie and ±h never changes an argmax.
        long count = x.Aggregate(1L, (a, d) => a * d);
        var rng = new Random(7);
        float[] values = [.. Enumerable.Range(0, (int)count).Select(i => i * 0.01f).OrderBy(_ => rng.Next())];
        GradientCheck.AssertAll(GradientCheck.Check(m, ["x0"], inputValues: new Dictionary<string, float[]> { ["x0"] = values }));
    }

    [Theory]
    [InlineData(0L, 0L)]
    [InlineData(1L, 0L)]
    [InlineData(0L, 1L)]
    [InlineData(1L, 1L)]
    public void AveragePoolSpreadsEvenly(long padded, long countIncludePad)
    {
        long[] pads = padded != 0 ? [1, 0, 1, 1] : [0, 0, 0, 0];
        Model m = GradientModels.Single("AveragePool", 17, [[2, 3, 7, 6]],
            NodeAttribute.Of("kernel_shape", new long[] { 3, 2 }), NodeAttribute.Of("strides", new long[] { 2, 2 }),
            NodeAttribute.Of("pads", pads), NodeAttribute.Of("count_include_pad", countIncludePad));
        GradientCheck.AssertGradients(m, "x0");
    }

    [Fact]
    public void GlobalAveragePoolSpreadsOverThePlane()
    {
        GradientCheck.AssertGradients(GradientModels.Single("GlobalAveragePool", 17, [[2, 3, 5, 4]]), "x0");
    }
}
