// Scalar C# references of the quantized Add and Concat kernels.
using Onnxc.Kernels.Elementwise;
using Onnxc.Kernels.Quantization;

namespace Onnxc.Kernels.Reference;

public static class ElementwiseReference
{
    /// <summary>QLinearAdd with the multipliers of <see cref="AddRequantization.Create"/>, inputs decoded in their own types.</summary>
    public static byte[] Add(QuantParams a, QuantParams b, QuantParams output, FusedActivation activation, ReadOnlySpan<byte> x, ReadOnlySpan<byte> y)
    {
        var q = AddRequantization.Create(a, b, output, activation);
        var (lo, hi) = activation.QuantizedBounds(output);
        var result = new byte[x.Length];
        for (int i = 0; i < x.Length; i++)
        {
            long sum = ((long)(a.Type.Decode(x[i]) - a.ZeroPoint) * q.MultiplierA) + ((long)(b.Type.Decode(y[i]) - b.ZeroPoint) * q.MultiplierB);
            long v = FixedPoint.RoundingShiftRight(sum, q.Shift) + output.ZeroPoint;
            result[i] = output.Type.Encode((int)Math.Clamp(v, lo, hi));
        }

        return result;
    }

    /// <summary>Concat of <c>[outer][axisSizes[i]][inner]</c> tensors on the middle axis, each requantized to <paramref name="output"/>.</summary>
    public static byte[] Concat(int outer, int inner, IReadOnlyList<int> axisSizes, IReadOnlyList<QuantParams> inputParams, QuantParams output, IReadOnlyList<byte[]> inputs)
    {
        int total = axisSizes.Sum();
        var result = new byte[outer * total * inner];
        for (int o = 0; o < outer; o++)
        {
            int axisOffset = 0;
            for (int i = 0; i < inputs.Count; i++)
            {
                var p = inputParams[i];
                var fp = FixedPointMultiplier.FromScale((double)p.Scale / output.Scale);
                for (int j = 0; j < axisSizes[i] * inner; j++)
                {
                    int x = p.Type.Decode(inputs[i][(o * axisSizes[i] * inner) + j]) - p.ZeroPoint;
                    int y = FixedPoint.Requantize(x, fp.Multiplier, fp.Shift, output.ZeroPoint, output.Type.MinValue(), output.Type.MaxValue());
                    result[(o * total * inner) + (axisOffset * inner) + j] = output.Type.Encode(y);
                }

                axisOffset += axisSizes[i];
            }
        }

        return result;
    }
}
