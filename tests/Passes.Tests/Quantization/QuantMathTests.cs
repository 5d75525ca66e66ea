// Unit tests of the scheme's arithmetic: scales, zero points, per-channel weights, 7-bit range, int32 bias, rounding.
using Onnxc.GraphIR;
using Onnxc.Passes.Quantization;

namespace Onnxc.Passes.Tests.Quantization;

public sealed class QuantMathTests
{
    [Fact]
    public void ReluRangeGivesZeroPointAtQmin()
    {
        QuantParams u8 = QuantMath.Activation(0f, 2.55f, ElementType.UInt8);
        Assert.Equal(0.01f, u8.Scale, 6);
        Assert.Equal(0, u8.ZeroPoint);
        QuantParams s8 = QuantMath.Activation(0f, 2.55f, ElementType.Int8);
        Assert.Equal(-128, s8.ZeroPoint);
    }

    [Fact]
    public void SignedRangeZeroPointIsRoundedHalfToEven()
    {
        // [-127.5, 127.5] over 255 steps: scale 1, zp = 0 + 127.5 -> 128 (half to even).
        QuantParams u8 = QuantMath.Activation(-127.5f, 127.5f, ElementType.UInt8);
        Assert.Equal(1f, u8.Scale);
        Assert.Equal(128, u8.ZeroPoint);

        // s8: -128 + 127.5 = -0.5 -> 0 (half to even).
        Assert.Equal(0, QuantMath.Activation(-127.5f, 127.5f, ElementType.Int8).ZeroPoint);

        // [-1, 1]: zero maps to the nearest code, and dequantizes to exactly 0.
        QuantParams p = QuantMath.Activation(-1f, 1f, ElementType.UInt8);
        Assert.Equal(0f, QuantMath.Dequantize(QuantMath.Quantize(0f, p.Scale, p.ZeroPoint, ElementType.UInt8), p.Scale, p.ZeroPoint));
    }

    [Fact]
    public void RangeIsWidenedToIncludeZeroAndZeroIsExact()
    {
        QuantParams p = QuantMath.Activation(0.5f, 3f, ElementType.UInt8);
        Assert.Equal(3f / 255, p.Scale, 7);
        Assert.Equal(0f, QuantMath.Dequantize(QuantMath.Quantize(0f, p.Scale, p.ZeroPoint, ElementType.UInt8), p.Scale, p.ZeroPoint));
    }

    [Fact]
    public void DegenerateRangeGetsUnitScale()
    {
        QuantParams p = QuantMath.Activation(0f, 0f, ElementType.UInt8);
        Assert.Equal(1f, p.Scale);
    }

    [Fact]
    public void QuantizeRoundsHalfToEvenAndClamps()
    {
        Assert.Equal(2, QuantMath.Quantize(2.5f, 1f, 0, ElementType.UInt8));
        Assert.Equal(4, QuantMath.Quantize(3.5f, 1f, 0, ElementType.UInt8));
        Assert.Equal(255, QuantMath.Quantize(1000f, 1f, 0, ElementType.UInt8));
        Assert.Equal(-128, QuantMath.Quantize(-1000f, 1f, 0, ElementType.Int8));
    }

    [Fact]
    public void WeightsArePerChannelSymmetric()
    {
        // Two output channels of 3 values: max |w| is 2 and 0.5.
        float[] w = [1f, -2f, 0.5f, 0.25f, 0.5f, -0.125f];
        (sbyte[] q, QuantParams p) = QuantMath.Weight(w, [2, 3], axis: 0, reducedRange: false);
        Assert.Equal(0, p.Axis);
        Assert.Equal([2f / 127, 0.5f / 127], p.Scales.ToArray());
        Assert.All(p.ZeroPoints, z => Assert.Equal(0, z));
        Assert.Equal(new sbyte[] { 64, -127, 32, 64, 127, -32 }, q);
    }

    [Fact]
    public void WeightsAlongAxisOneAreGroupedByColumn()
    {
        // [K=2, N=2] with axis 1: columns (1, 3) and (-4, 2).
        float[] w = [1f, -4f, 3f, 2f];
        (sbyte[] q, QuantParams p) = QuantMath.Weight(w, [2, 2], axis: 1, reducedRange: false);
        Assert.Equal([3f / 127, 4f / 127], p.Scales.ToArray());
        Assert.Equal(new sbyte[] { 42, -127, 127, 64 }, q);
    }

    [Fact]
    public void ReducedRangeKeepsWeightsWithinSevenBits()
    {
        var rng = new Random(3);
        float[] w = [.. Enumerable.Range(0, 600).Select(_ => (float)(rng.NextDouble() * 4 - 2))];
        (sbyte[] q, QuantParams p) = QuantMath.Weight(w, [6, 100], axis: 0, reducedRange: true);
        Assert.All(q, v => Assert.InRange((int)v, -63, 63));
        Assert.Contains(q, v => Math.Abs((int)v) == 63);
        for (int i = 0; i < w.Length; i++)
        {
            Assert.True(Math.Abs(w[i] - (q[i] * p.Scales[i / 100])) <= p.Scales[i / 100] / 2 + 1e-6);
        }
    }

    [Fact]
    public void PerTensorWeightsShareOneScale()
    {
        (sbyte[] q, QuantParams p) = QuantMath.Weight([0.5f, -1f, 0.25f], [3], axis: null, reducedRange: false);
        Assert.False(p.IsPerChannel);
        Assert.Equal(1f / 127, p.Scale);
        Assert.Equal(new sbyte[] { 64, -127, 32 }, q);
    }

    [Fact]
    public void BiasIsInt32WithInputTimesWeightScale()
    {
        var wp = new QuantParams(ElementType.Int8, [0.5f, 0.25f], [0, 0], 0);
        (int[] q, QuantParams p) = QuantMath.Bias([1f, -1.3f], 0.1f, wp);
        Assert.Equal(ElementType.Int32, p.ElementType);
        Assert.Equal([0.1f * 0.5f, 0.1f * 0.25f], p.Scales.ToArray());
        Assert.Equal([20, -52], q);
    }

    [Fact]
    public void ConstantsAreQuantizedOnTheirOwnRange()
    {
        (byte[] raw, QuantParams p) = QuantMath.Constant([0f, 1f, 2.55f], ElementType.UInt8);
        Assert.Equal(0.01f, p.Scale, 6);
        Assert.Equal(new byte[] { 0, 100, 255 }, raw);
    }
}
