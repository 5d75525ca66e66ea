// exp, log, tanh and sigmoid from plain arithmetic, so the float kernels compile for PTX without ILGPU.Algorithms.
using ILGPU;

namespace Onnxc.Kernels.Runtime.Float;

/// <summary>
/// ILGPU's PTX backend has no intrinsic for MathF.Exp/Log (those live in the separate ILGPU.Algorithms
/// package), so the kernels use these. The same code runs on every accelerator, so CPU and GPU agree.
/// <para>
/// exp: <c>x = k ln2 + r</c>, <c>k = round(x log2 e)</c>, <c>|r| &lt;= ln2 / 2</c>; <c>e^r</c> by its degree-7
/// Taylor polynomial (truncation below 2e-8 relative), <c>2^k</c> assembled in the exponent bits.
/// ln2 is split in two parts (Cody-Waite) so <c>r</c> is exact to float precision.
/// log: <c>x = m 2^e</c> with <c>m</c> in [sqrt(1/2), sqrt 2); <c>ln m = 2 atanh(s)</c>, <c>s = (m-1)/(m+1)</c>,
/// <c>|s| &lt;= 0.172</c>, series to <c>s^11</c> (error below 1e-9).
/// </para>
/// </summary>
public static class FloatMath
{
    private const float Ln2Hi = 0.693145752f;
    private const float Ln2Lo = 1.42860677e-6f;
    private const float Log2E = 1.44269504f;

    public static float Exp(float x)
    {
        if (x > 88.7f)
        {
            return float.PositiveInfinity;
        }

        if (x < -87.3f)
        {
            return 0f;
        }

        float kf = x * Log2E;
        int k = (int)(kf + (kf >= 0 ? 0.5f : -0.5f));
        float r = x - (k * Ln2Hi) - (k * Ln2Lo);
        float p = 1f + (r * (1f + (r * (0.5f + (r * (1f / 6 + (r * (1f / 24 + (r * (1f / 120 + (r * (1f / 720 + (r * (1f / 5040))))))))))))));
        return p * Interop.IntAsFloat((uint)((k + 127) << 23));
    }

    public static float Log(float x)
    {
        if (!(x > 0))
        {
            return x == 0 ? float.NegativeInfinity : float.NaN;
        }

        if (x == float.PositiveInfinity)
        {
            return x;
        }

        uint bits = Interop.FloatAsInt(x);
        int e = (int)((bits >> 23) & 0xFF) - 127;
        float m = Interop.IntAsFloat((bits & 0x7FFFFFu) | 0x3F800000u);
        if (e == -127)
        {
            // Subnormal: scale up by 2^23 first.
            bits = Interop.FloatAsInt(x * 8388608f);
            e = (int)((bits >> 23) & 0xFF) - 127 - 23;
            m = Interop.IntAsFloat((bits & 0x7FFFFFu) | 0x3F800000u);
        }

        if (m > 1.41421356f)
        {
            m *= 0.5f;
            e++;
        }

        float s = (m - 1f) / (m + 1f);
        float s2 = s * s;
        float series = s * (2f + (s2 * (2f / 3 + (s2 * (2f / 5 + (s2 * (2f / 7 + (s2 * (2f / 9 + (s2 * (2f / 11)))))))))));
        return (e * Ln2Hi) + ((e * Ln2Lo) + series);
    }

    public static float Tanh(float x)
    {
        if (x > 10f)
        {
            return 1f;
        }

        if (x < -10f)
        {
            return -1f;
        }

        return 1f - (2f / (Exp(2f * x) + 1f));
    }

    public static float Sigmoid(float x) => 1f / (1f + Exp(-x));
}
