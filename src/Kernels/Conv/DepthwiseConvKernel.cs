// Direct INT8 depthwise convolution: one thread per output element, for channel multiplier 1.
using ILGPU;

namespace Onnxc.Kernels.Conv;

/// <summary>
/// Depthwise convolution (groups == input channels == output channels) without the GEMM tiling, which
/// would use one column of 32 per group. Same packed weights (k = ky * KW + kx, one byte each), same folded
/// bias and epilogue as the implicit-GEMM kernels, so it is bit-identical to them and to the reference.
/// Implicitly grouped; the index is the NHWC output element, channel innermost.
/// </summary>
public static class DepthwiseConvKernel
{
    /// <summary>True when <paramref name="g"/> is a depthwise convolution this kernel handles.</summary>
    public static bool Applies(Conv2DGeometry g)
    {
        ArgumentNullException.ThrowIfNull(g);
        return g.InChannelsPerGroup == 1 && g.OutChannelsPerGroup == 1;
    }

    public static void DepthwiseConv(
        Index1D index,
        ArrayView<byte> input,
        ArrayView<int> weights,
        ArrayView<int> bias,
        ArrayView<int> multipliers,
        ArrayView<int> shifts,
        ArrayView<byte> output,
        ConvKernelArgs a)
    {
        int c = index % a.OC;
        int m = index / a.OC;
        int ow = m % a.OW;
        int rest = m / a.OW;
        int oh = rest % a.OH;
        int n = rest / a.OH;
        int acc = 0;
        int weightBase = c * a.KWords;
        for (int ky = 0; ky < a.KH; ky++)
        {
            int ih = (oh * a.StrideH) - a.PadTop + (ky * a.DilationH);
            bool rowInside = ih >= 0 && ih < a.H;
            for (int kx = 0; kx < a.KW; kx++)
            {
                int iw = (ow * a.StrideW) - a.PadLeft + (kx * a.DilationW);
                int x = a.InputZeroPoint;
                if (rowInside && iw >= 0 && iw < a.W)
                    x = (sbyte)(byte)(input[((((n * a.H) + ih) * a.W) + iw) * a.C + c] ^ a.InputFlip);
                int k = (ky * a.KW) + kx;
                int w = (sbyte)(weights[weightBase + (k >> 2)] >> (8 * (k & 3)));
                acc += x * w;
            }
        }

        ConvTiles.Store(bias, multipliers, shifts, output, a, m, 0, c, acc);
    }
}
