// Scalar C# references of QuantizeLinear and DequantizeLinear, per the ONNX definition.
using Onnxc.Kernels.Qdq;

namespace Onnxc.Kernels.Reference;

public static class QdqReference
{
    /// <summary><c>saturate(round_half_even(x / s) + z)</c> using .NET's own rounding (independent of the kernel's).</summary>
    public static byte[] Quantize(QdqParameters p, ReadOnlySpan<float> input)
    {
        var output = new byte[input.Length];
        for (int i = 0; i < input.Length; i++)
        {
            int k = Index(p, i);
            float x = input[i];
            double q = float.IsNaN(x) ? 0 : Math.Round((double)(x / p.Scales[k]), MidpointRounding.ToEven);
            double v = Math.Clamp(q + p.ZeroPoints[k], p.Args.Min, p.Args.Max);
            output[i] = unchecked((byte)(int)v);
        }

        return output;
    }

    public static float[] Dequantize(QdqParameters p, ReadOnlySpan<byte> input)
    {
        var output = new float[input.Length];
        for (int i = 0; i < input.Length; i++)
        {
            int k = Index(p, i);
            int x = p.Type == Quantization.QuantElementType.UInt8 ? input[i] : (sbyte)input[i];
            output[i] = (float)(x - p.ZeroPoints[k]) * p.Scales[k];
        }

        return output;
    }

    private static int Index(QdqParameters p, int element) => p.Scales.Length == 1 ? 0 : (element / p.Inner) % p.Scales.Length;
}
