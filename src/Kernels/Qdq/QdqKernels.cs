// QuantizeLinear (float -> int8/uint8) and DequantizeLinear (int8/uint8 -> float) at island borders.
using ILGPU;

namespace Onnxc.Kernels.Qdq;

/// <summary>
/// ONNX Q/DQ, grid-stride over elements:
/// <c>QuantizeLinear: y = saturate(round_half_even(x / s) + z)</c> (division in float32 as ONNX Runtime does;
/// NaN maps to z) and <c>DequantizeLinear: y = (x - z) * s</c> in float32.
/// </summary>
public static class QdqKernels
{
    public static void Quantize(ArrayView<float> input, ArrayView<byte> output, ArrayView<float> scales, ArrayView<int> zeroPoints, QdqArgs a)
    {
        int count = (int)input.Length;
        int stride = GridStride.Stride;
        for (int index = GridStride.Start; index < count; index += stride)
        {
            QuantizeAt(index, input, output, scales, zeroPoints, a);
        }
    }

    private static void QuantizeAt(int index, ArrayView<float> input, ArrayView<byte> output, ArrayView<float> scales, ArrayView<int> zeroPoints, QdqArgs a)
    {
        int p = a.ParameterIndex(index);
        int q = RoundHalfToEven(input[index] / scales[p]);
        long v = (long)q + zeroPoints[p];
        if (v < a.Min)
        {
            v = a.Min;
        }

        if (v > a.Max)
        {
            v = a.Max;
        }

        output[index] = (byte)v;
    }

    public static void Dequantize(ArrayView<byte> input, ArrayView<float> output, ArrayView<float> scales, ArrayView<int> zeroPoints, QdqArgs a)
    {
        int count = (int)input.Length;
        int stride = GridStride.Stride;
        for (int index = GridStride.Start; index < count; index += stride)
        {
            DequantizeAt(index, input, output, scales, zeroPoints, a);
        }
    }

    private static void DequantizeAt(int index, ArrayView<byte> input, ArrayView<float> output, ArrayView<float> scales, ArrayView<int> zeroPoints, QdqArgs a)
    {
        int p = a.ParameterIndex(index);
        byte stored = input[index];
        int x = a.Unsigned != 0 ? stored : (sbyte)stored;
        output[index] = (x - zeroPoints[p]) * scales[p];
    }

    /// <summary>
    /// Round half to even without math intrinsics (identical on every backend). Values are first clamped to
    /// +-2^22, far outside any 8-bit range, where float32 still has one fraction bit so the tie test is exact.
    /// </summary>
    public static int RoundHalfToEven(float v)
    {
        const float limit = 4194304f;
        if (v > limit)
        {
            v = limit;
        }
        else if (v < -limit)
        {
            v = -limit;
        }
        else if (!(v >= -limit))
        {
            return 0; // NaN fails every comparison.
        }

        int t = (int)v;
        float fraction = v - t;
        if (fraction > 0.5f || (fraction == 0.5f && (t & 1) != 0))
        {
            return t + 1;
        }

        if (fraction < -0.5f || (fraction == -0.5f && (t & 1) != 0))
        {
            return t - 1;
        }

        return t;
    }
}
