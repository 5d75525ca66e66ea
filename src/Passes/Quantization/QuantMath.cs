// The scheme's arithmetic: ranges to scales and zero points, and quantizing weights and biases.
using Onnxc.GraphIR;

namespace Onnxc.Passes.Quantization;

/// <summary>
/// The math of the scheme, shared by every emitter and by the tests.
/// <list type="bullet">
/// <item>Asymmetric activations on [qmin, qmax] (u8: [0, 255], s8: [−128, 127]) for a range [lo, hi] ∋ 0:
/// scale = (hi − lo) / (qmax − qmin), zero point = clamp(round(qmin − lo / scale)). A ReLU output (lo = 0) gets
/// zero point = qmin exactly, which lets ORT drop the ReLU.</item>
/// <item>Symmetric weights: scale_c = max|w_c| / Q with Q = 127 (full range) or 63 (reduced, 7-bit [−64, 63]),
/// zero point 0, q = clamp(round(w / scale_c), −Q, Q).</item>
/// <item>Bias: int32, zero point 0, scale_c = s_x · s_w,c, q = round(b / scale_c), clamped to int32.</item>
/// </list>
/// Rounding is half to even, as QuantizeLinear rounds, so weights we quantize and values ORT quantizes agree.
/// A degenerate range or channel (all zeros) gets scale 1 so no division by zero reaches ORT.
/// </summary>
public static class QuantMath
{
    public static (int Min, int Max) Limits(ElementType type) => type switch
    {
        ElementType.UInt8 => (0, 255),
        ElementType.Int8 => (-128, 127),
        ElementType.Int32 => (int.MinValue, int.MaxValue),
        _ => throw new ArgumentException($"{type.OnnxName()} is not a quantized type"),
    };

    /// <summary>Per-tensor asymmetric parameters for the range [lo, hi] (widened to include 0).</summary>
    public static QuantParams Activation(float lo, float hi, ElementType type)
    {
        (int qmin, int qmax) = Limits(type);
        double l = Math.Min(lo, 0), h = Math.Max(hi, 0);
        if (!double.IsFinite(l) || !double.IsFinite(h))
        {
            throw new ArgumentException($"range [{lo}, {hi}] is not finite");
        }

        double scale = (h - l) / (qmax - qmin);
        if (scale <= 0 || (float)scale == 0)
        {
            return QuantParams.PerTensor(type, 1f, type == ElementType.UInt8 ? 0 : 0);
        }

        float s = (float)scale;
        int zp = (int)Math.Clamp(Math.Round(qmin - (l / s), MidpointRounding.ToEven), qmin, qmax);
        return QuantParams.PerTensor(type, s, zp);
    }

    /// <summary>The largest magnitude a symmetric weight may take: 127, or 63 for 7-bit reduced range.</summary>
    public static int WeightMax(bool reducedRange) => reducedRange ? 63 : 127;

    /// <summary>
    /// Quantizes a float weight symmetrically to int8, per channel along <paramref name="axis"/> (null: per tensor).
    /// Returns the int8 values and the parameters.
    /// </summary>
    public static (sbyte[] Values, QuantParams Params) Weight(ReadOnlySpan<float> w, IReadOnlyList<long> dims, int? axis, bool reducedRange)
    {
        int qmax = WeightMax(reducedRange);
        int channels = axis is int a ? checked((int)dims[a]) : 1;
        long inner = 1;
        if (axis is int ax)
        {
            for (int d = ax + 1; d < dims.Count; d++)
            {
                inner *= dims[d];
            }
        }
        else
        {
            inner = w.Length;
        }

        var maxAbs = new float[channels];
        for (int i = 0; i < w.Length; i++)
        {
            int c = (int)(i / inner % channels);
            maxAbs[c] = Math.Max(maxAbs[c], Math.Abs(w[i]));
        }

        var scales = new float[channels];
        for (int c = 0; c < channels; c++)
        {
            scales[c] = maxAbs[c] > 0 ? maxAbs[c] / qmax : 1f;
        }

        var q = new sbyte[w.Length];
        for (int i = 0; i < w.Length; i++)
        {
            int c = (int)(i / inner % channels);
            q[i] = (sbyte)Math.Clamp(Math.Round(w[i] / scales[c], MidpointRounding.ToEven), -qmax, qmax);
        }

        var p = new QuantParams(ElementType.Int8, [.. scales], [.. new int[channels]], axis);
        return (q, p);
    }

    /// <summary>
    /// Quantizes a constant per tensor, asymmetrically on its own [min, max], for element-wise ops whose other
    /// operand is an activation (an Add's constant, say).
    /// </summary>
    public static (byte[] Raw, QuantParams Params) Constant(ReadOnlySpan<float> values, ElementType type)
    {
        float lo = 0, hi = 0;
        foreach (float v in values)
        {
            lo = Math.Min(lo, v);
            hi = Math.Max(hi, v);
        }

        QuantParams p = Activation(lo, hi, type);
        var raw = new byte[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            int q = Quantize(values[i], p.Scale, p.ZeroPoint, type);
            raw[i] = unchecked((byte)q);
        }

        return (raw, p);
    }

    /// <summary>Quantizes a bias to int32 with scale_c = s_x · s_w,c (one scale per weight channel, or one).</summary>
    public static (int[] Values, QuantParams Params) Bias(ReadOnlySpan<float> bias, float inputScale, QuantParams weight)
    {
        var scales = new float[bias.Length];
        var q = new int[bias.Length];
        for (int c = 0; c < bias.Length; c++)
        {
            float ws = weight.Scales.Length == 1 ? weight.Scales[0] : weight.Scales[c];
            scales[c] = inputScale * ws;
            double v = scales[c] > 0 ? bias[c] / (double)scales[c] : 0;
            q[c] = (int)Math.Clamp(Math.Round(v, MidpointRounding.ToEven), int.MinValue, int.MaxValue);
        }

        return (q, new QuantParams(ElementType.Int32, [.. scales], [.. new int[bias.Length]], 0));
    }

    /// <summary>QuantizeLinear of one value: clamp(round_half_even(x / scale) + zp).</summary>
    public static int Quantize(float x, float scale, int zeroPoint, ElementType type)
    {
        (int qmin, int qmax) = Limits(type);
        double q = Math.Round(x / scale, MidpointRounding.ToEven) + zeroPoint;
        return (int)Math.Clamp(q, qmin, qmax);
    }

    /// <summary>DequantizeLinear of one value.</summary>
    public static float Dequantize(int q, float scale, int zeroPoint) => (q - zeroPoint) * scale;
}
