// Unit tests of the streaming histogram and of each observer (min/max, percentile, entropy, MSE).
using Onnxc.Passes.Calibration;

namespace Onnxc.Passes.Tests.Calibration;

public sealed class ObserverTests
{
    private static float[] Gaussian(int n, int seed, double sigma = 1)
    {
        var rng = new Random(seed);
        return [.. Enumerable.Range(0, n).Select(_ => (float)(sigma * Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble())))];
    }

    [Fact]
    public void HistogramTracksExtremesAndCountsAcrossBatches()
    {
        var h = new TensorHistogram(64);
        h.Add([0.5f, -0.25f, 0f]);
        h.Add([4f, -8f]);
        Assert.Equal(-8f, h.Min);
        Assert.Equal(4f, h.Max);
        Assert.Equal(5, h.Count);
        long total = 0;
        foreach (long c in h.Positive)
        {
            total += c;
        }

        foreach (long c in h.Negative)
        {
            total += c;
        }

        Assert.Equal(5, total);
        Assert.True(h.BinWidth * h.BinCount > 8);
    }

    [Fact]
    public void HistogramIgnoresNonFiniteValues()
    {
        var h = new TensorHistogram(64);
        h.Add([1f, float.NaN, float.PositiveInfinity, -2f]);
        Assert.Equal(2, h.Count);
        Assert.Equal(2, h.NonFiniteCount);
        Assert.Equal(-2f, h.Min);
    }

    [Fact]
    public void MergedHistogramMatchesOneShotWhenWidthsAgree()
    {
        float[] a = Gaussian(5000, 1), b = Gaussian(5000, 2);
        float[] all = [.. a, .. b, 16f];
        var oneShot = new TensorHistogram(256);
        oneShot.Add(all);
        var streamed = new TensorHistogram(256);
        streamed.Add([16f]);
        streamed.Add(a);
        streamed.Add(b);
        Assert.Equal(oneShot.BinWidth, streamed.BinWidth);
        Assert.Equal(oneShot.Positive.ToArray(), streamed.Positive.ToArray());
        Assert.Equal(oneShot.Negative.ToArray(), streamed.Negative.ToArray());
    }

    [Fact]
    public void MinMaxIsTheExactRange()
    {
        var h = new TensorHistogram();
        h.Add([0.1f, 0.7f, 3.25f]);
        TensorRange r = RangeObservers.Choose(h, CalibrationMethod.MinMax);
        Assert.Equal(0f, r.Low);
        Assert.Equal(3.25f, r.High);
    }

    [Fact]
    public void PercentileClipsARareOutlier()
    {
        var h = new TensorHistogram();
        float[] values = [.. Gaussian(100_000, 3), 50f];
        h.Add(values);
        TensorRange r = RangeObservers.Choose(h, CalibrationMethod.Percentile, 99.9);
        Assert.InRange(r.High, 2.5f, 4.5f);
        Assert.InRange(r.Low, -4.5f, -2.5f);
        Assert.Equal(50f, r.Max);
    }

    [Fact]
    public void EntropyClipsOutliersButKeepsTheBulk()
    {
        var h = new TensorHistogram();
        float[] values = [.. Gaussian(200_000, 4).Select(Math.Abs), 40f, 45f];
        h.Add(values);
        TensorRange r = RangeObservers.Choose(h, CalibrationMethod.Entropy);
        Assert.Equal(0f, r.Low);
        Assert.InRange(r.High, 2f, 20f);
    }

    [Fact]
    public void MseThresholdHasTheLeastFakeQuantizationError()
    {
        // A heavy tail: clipping it or not is a real trade-off, which MSE must resolve better than the others.
        var rng = new Random(8);
        float[] values = [.. Gaussian(100_000, 4).Select(Math.Abs), .. Enumerable.Range(0, 300).Select(_ => (float)(4 + (30 * rng.NextDouble())))];
        var h = new TensorHistogram();
        h.Add(values);
        double Error(float t)
        {
            double s = t / 255.0, e = 0;
            foreach (float v in values)
            {
                double q = Math.Min(Math.Round(v / s), 255) * s;
                e += (v - q) * (v - q);
            }

            return e;
        }

        double mse = Error(RangeObservers.Choose(h, CalibrationMethod.Mse).High);
        Assert.True(mse <= Error(RangeObservers.Choose(h, CalibrationMethod.MinMax).High) * 1.02);
        Assert.True(mse <= Error(RangeObservers.Choose(h, CalibrationMethod.Percentile, 99.99).High) * 1.02);
        Assert.True(mse <= Error(RangeObservers.Choose(h, CalibrationMethod.Entropy).High) * 1.02);
    }

    [Theory]
    [InlineData(CalibrationMethod.Entropy)]
    [InlineData(CalibrationMethod.Mse)]
    [InlineData(CalibrationMethod.Percentile)]
    public void UniformDataKeepsNearlyItsFullRange(CalibrationMethod method)
    {
        var rng = new Random(5);
        var h = new TensorHistogram();
        h.Add([.. Enumerable.Range(0, 100_000).Select(_ => (float)rng.NextDouble() * 6f)]);
        TensorRange r = RangeObservers.Choose(h, method);
        Assert.InRange(r.High, 5.4f, 6.01f);
    }

    [Fact]
    public void RangesAlwaysContainZero()
    {
        var h = new TensorHistogram();
        h.Add([2f, 3f, 4f]);
        foreach (CalibrationMethod m in Enum.GetValues<CalibrationMethod>())
        {
            TensorRange r = RangeObservers.Choose(h, m);
            Assert.True(r.Low <= 0 && r.High >= 0, m.ToString());
            Assert.True(r.High <= 4f);
        }
    }

    [Fact]
    public void TableRoundTripsThroughJson()
    {
        var h = new TensorHistogram();
        h.Add(Gaussian(1000, 6));
        var stats = new CalibrationStatistics(new Dictionary<string, TensorHistogram> { ["x"] = h }, 1000);
        CalibrationTable t = stats.ToTable(CalibrationMethod.Percentile, 99.99);
        CalibrationTable back = CalibrationTable.FromJson(t.ToJson());
        Assert.Equal(t.MethodText, back.MethodText);
        Assert.Equal(t.Ranges["x"], back.Ranges["x"]);
        Assert.Equal(1000, back.SampleCount);
        Assert.Throws<InvalidDataException>(() => CalibrationTable.FromJson("{\"version\": 2}"));
    }

    [Theory]
    [InlineData("minmax", CalibrationMethod.MinMax, null)]
    [InlineData("percentile", CalibrationMethod.Percentile, 99.999)]
    [InlineData("percentile:99.9", CalibrationMethod.Percentile, 99.9)]
    [InlineData("entropy", CalibrationMethod.Entropy, null)]
    [InlineData("MSE", CalibrationMethod.Mse, null)]
    public void MethodsParse(string text, CalibrationMethod method, double? p)
    {
        Assert.Equal((method, p), CalibrationOptions.ParseMethod(text));
    }

    [Theory]
    [InlineData("kmeans")]
    [InlineData("percentile:40")]
    [InlineData("entropy:3")]
    public void BadMethodsAreRejected(string text) => Assert.Throws<ArgumentException>(() => CalibrationOptions.ParseMethod(text));
}
