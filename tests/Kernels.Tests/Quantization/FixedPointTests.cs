// Requantization arithmetic: precision of the Q31 multiplier, exact rounding, saturation, extreme scales.
using System.Numerics;
using Onnxc.Kernels.Quantization;

namespace Onnxc.Kernels.Tests.Quantization;

public class FixedPointTests
{
    [Fact]
    public void MultiplierIsWithinTwoToMinus31Relative()
    {
        var random = new Random(1);
        for (int i = 0; i < 20000; i++)
        {
            double scale = Math.Pow(2, (random.NextDouble() * 69.9) - 40);
            var fp = FixedPointMultiplier.FromScale(scale);
            if (scale < Math.Pow(2, -32))
            {
                Assert.True(fp.Multiplier == 0 || fp.ToDouble() > 0);
                continue;
            }

            Assert.InRange(fp.Multiplier, 1 << 30, int.MaxValue);
            Assert.InRange(31 + fp.Shift, 1, 62);
            Assert.True(Math.Abs(fp.ToDouble() - scale) <= scale * Math.Pow(2, -31), $"scale {scale:R} -> {fp}");
        }
    }

    [Fact]
    public void RequantizeEqualsExactRationalRounding()
    {
        var random = new Random(2);
        for (int i = 0; i < 20000; i++)
        {
            int acc = random.Next(int.MinValue, int.MaxValue);
            double scale = Math.Pow(2, (random.NextDouble() * 40) - 38);
            var fp = FixedPointMultiplier.FromScale(scale);
            long expected = ExactRoundHalfAway(acc, fp);
            Assert.Equal(expected, FixedPoint.Scale(acc, fp.Multiplier, fp.Shift));
        }
    }

    [Fact]
    public void DiffersFromFloatRoundingByAtMostOneAndRarely()
    {
        var random = new Random(3);
        int differences = 0;
        const int trials = 50000;
        for (int i = 0; i < trials; i++)
        {
            int acc = random.Next(-2_000_000, 2_000_000);
            double scale = Math.Pow(2, (random.NextDouble() * 16) - 20);
            var fp = FixedPointMultiplier.FromScale(scale);
            long fixedResult = FixedPoint.Scale(acc, fp.Multiplier, fp.Shift);
            double floatResult = Math.Round(acc * scale, MidpointRounding.ToEven);
            Assert.InRange(fixedResult - floatResult, -1, 1);
            if (fixedResult != floatResult)
            {
                differences++;
            }
        }

        Assert.True(differences < trials / 1000, $"{differences} of {trials} differ from float rounding");
    }

    [Theory]
    [InlineData(5, 0.5, 3)]
    [InlineData(-5, 0.5, -3)]
    [InlineData(3, 0.5, 2)]
    [InlineData(-3, 0.5, -2)]
    [InlineData(-1, 0.25, 0)]
    [InlineData(-2, 0.25, -1)]
    [InlineData(7, 3.75, 26)]
    [InlineData(-7, 3.75, -26)]
    [InlineData(1000, 1.0, 1000)]
    [InlineData(int.MinValue, 1.0, int.MinValue)]
    [InlineData(int.MaxValue, 1.0, int.MaxValue)]
    public void RoundsHalfAwayFromZeroAndHandlesScalesAboveOne(int acc, double scale, long expected)
    {
        var fp = FixedPointMultiplier.FromScale(scale);
        Assert.Equal(expected, FixedPoint.Scale(acc, fp.Multiplier, fp.Shift));
    }

    [Fact]
    public void SaturatesAtBothEnds()
    {
        var fp = FixedPointMultiplier.FromScale(0.75);
        Assert.Equal(127, FixedPoint.Requantize(1000, fp.Multiplier, fp.Shift, 5, -128, 127));
        Assert.Equal(-128, FixedPoint.Requantize(-1000, fp.Multiplier, fp.Shift, 5, -128, 127));
        Assert.Equal(255, FixedPoint.Requantize(int.MaxValue, fp.Multiplier, fp.Shift, 200, 0, 255));
        Assert.Equal(0, FixedPoint.Requantize(int.MinValue, fp.Multiplier, fp.Shift, 200, 0, 255));
        Assert.Equal(104, FixedPoint.Requantize(-128, fp.Multiplier, fp.Shift, 200, 0, 255));

        // A scale near the 2^30 limit times an extreme accumulator must not wrap around.
        var huge = FixedPointMultiplier.FromScale(1e9);
        Assert.Equal(127, FixedPoint.Requantize(int.MaxValue, huge.Multiplier, huge.Shift, 0, -128, 127));
        Assert.Equal(-128, FixedPoint.Requantize(int.MinValue, huge.Multiplier, huge.Shift, 0, -128, 127));
        Assert.Equal(-128, FixedPoint.Requantize(-1, huge.Multiplier, huge.Shift, 0, -128, 127));
    }

    [Fact]
    public void TinyScalesGiveTheZeroPoint()
    {
        foreach (double scale in new[] { 1e-12, 1e-30, double.Epsilon })
        {
            var fp = FixedPointMultiplier.FromScale(scale);
            Assert.Equal(7, FixedPoint.Requantize(int.MaxValue, fp.Multiplier, fp.Shift, 7, -128, 127));
            Assert.Equal(7, FixedPoint.Requantize(int.MinValue, fp.Multiplier, fp.Shift, 7, -128, 127));
        }

        // Just above the cut-off the multiplier is kept and still exact.
        var small = FixedPointMultiplier.FromScale(Math.Pow(2, -31));
        Assert.Equal(-1, FixedPoint.Scale(int.MinValue, small.Multiplier, small.Shift));
        Assert.Equal(1, FixedPoint.Scale(int.MaxValue, small.Multiplier, small.Shift));
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-1.0)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(1073741824.0)]
    public void RejectsInvalidScales(double scale) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => FixedPointMultiplier.FromScale(scale));

    [Fact]
    public void FusedActivationsBecomeClampBounds()
    {
        var u8 = new QuantParams(0.05f, 100, QuantElementType.UInt8);
        Assert.Equal((0, 255), FusedActivation.None.QuantizedBounds(u8));
        Assert.Equal((100, 255), FusedActivation.Relu.QuantizedBounds(u8));
        Assert.Equal((100, 220), FusedActivation.Clip(0, 6).QuantizedBounds(u8));
        Assert.Equal((60, 255), FusedActivation.Clip(-2, 100).QuantizedBounds(u8));
        var s8 = new QuantParams(0.1f, -128, QuantElementType.Int8);
        Assert.Equal((-128, -68), FusedActivation.Clip(0, 6).QuantizedBounds(s8));
        Assert.Throws<ArgumentException>(() => FusedActivation.Clip(1, 0));
    }

    private static long ExactRoundHalfAway(int acc, FixedPointMultiplier fp)
    {
        var product = new BigInteger(acc) * fp.Multiplier;
        var divisor = BigInteger.One << (31 + fp.Shift);
        var quotient = BigInteger.DivRem(BigInteger.Abs(product), divisor, out var remainder);
        if (remainder * 2 >= divisor)
        {
            quotient += 1;
        }

        return (long)(product.Sign < 0 ? -quotient : quotient);
    }
}
