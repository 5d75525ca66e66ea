// The kernels' own exp/log/tanh/sigmoid agree with System.Math to float precision.
using Onnxc.Kernels.Runtime.Float;

namespace Onnxc.Kernels.Tests.Runtime;

public class FloatMathTests
{
    [Fact]
    public void ExpLogTanhSigmoidAreAccurate()
    {
        for (float x = -80f; x <= 80f; x += 0.0137f)
        {
            Assert.True(Math.Abs(FloatMath.Exp(x) - Math.Exp(x)) <= 4e-7 * Math.Exp(x), $"exp({x})");
            Assert.True(Math.Abs(FloatMath.Tanh(x / 8) - Math.Tanh(x / 8)) <= 3e-7, $"tanh({x / 8})");
            Assert.True(Math.Abs(FloatMath.Sigmoid(x / 8) - (1 / (1 + Math.Exp(-x / 8)))) <= 3e-7, $"sigmoid({x / 8})");
        }

        foreach (float x in new[] { 1e-40f, 1e-30f, 0.001f, 0.5f, 0.999f, 1f, 1.0001f, 1.5f, 3f, 1000f, 3.4e38f })
        {
            Assert.True(Math.Abs(FloatMath.Log(x) - Math.Log(x)) <= 2e-7 * Math.Max(1, Math.Abs(Math.Log(x))), $"log({x})");
        }

        Assert.Equal(0f, FloatMath.Exp(-100f));
        Assert.Equal(float.NegativeInfinity, FloatMath.Log(0f));
    }
}
