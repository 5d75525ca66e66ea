// Direct INT8 convolution without tiles: each loop step computes one output element from the NHWC input.
using ILGPU;

namespace Onnxc.Kernels.Conv;

/// <summary>
/// Convolution with no shared memory and no barriers, for any geometry. Same packed weights
/// (reduction index <c>k = (ky * KW + kx) * CinPerGroup + ci</c>, four bytes per word, zero past K), same
/// folded bias and epilogue as the implicit-GEMM kernels; integer sums are exact, so it is bit-identical to
/// them and to the reference. Auto picks it for depthwise convolutions (a 32-wide GEMM tile would hold one
/// useful column) and on ILGPU's CPU accelerator, where the tiled kernels' 256-thread barriers cost more
/// than they save. Grid-stride over NHWC output elements, channel innermost (see <see cref="GridStride"/>).
/// </summary>
public static class DirectConvKernel
{
    /// <summary>True for depthwise convolutions: one input and one output channel per group.</summary>
    public static bool IsDepthwise(Conv2DGeometry g)
    {
        ArgumentNullException.ThrowIfNull(g);
        return g.InChannelsPerGroup == 1 && g.OutChannelsPerGroup == 1;
    }

    public static void DirectConv(
        ArrayView<byte> input,
        ArrayView<int> weights,
        ArrayView<int> bias,
        ArrayView<int> multipliers,
        ArrayView<int> shifts,
        ArrayView<byte> output,
        ConvKernelArgs a)
    {
        if (a.CoutPerGroup % 4 == 0)
        {
            // Four channels of one group per step: each input byte is read once for four weights.
            int quads = a.OC / 4;
            int count = a.M * quads;
            for (int index = GridStride.Start; index < count; index += GridStride.Stride)
            {
                int oc = (index % quads) * 4;
                int m = index / quads;
                int group = oc / a.CoutPerGroup;
                int n = oc - (group * a.CoutPerGroup);
                int acc0 = 0, acc1 = 0, acc2 = 0, acc3 = 0;
                OutputSums4(input, weights, a, m, oc, group, ref acc0, ref acc1, ref acc2, ref acc3);
                ConvTiles.Store(bias, multipliers, shifts, output, a, m, n, group, acc0);
                ConvTiles.Store(bias, multipliers, shifts, output, a, m, n + 1, group, acc1);
                ConvTiles.Store(bias, multipliers, shifts, output, a, m, n + 2, group, acc2);
                ConvTiles.Store(bias, multipliers, shifts, output, a, m, n + 3, group, acc3);
            }
        }
        else
        {
            int count = a.M * a.OC;
            for (int index = GridStride.Start; index < count; index += GridStride.Stride)
            {
                int oc = index % a.OC;
                int m = index / a.OC;
                int group = oc / a.CoutPerGroup;
                int acc = OutputSum(input, weights, a, m, oc, group);
                ConvTiles.Store(bias, multipliers, shifts, output, a, m, oc - (group * a.CoutPerGroup), group, acc);
            }
        }
    }

    /// <summary><see cref="OutputSum"/> for channels <paramref name="oc"/> to <paramref name="oc"/> + 3 of one group.</summary>
    private static void OutputSums4(
        ArrayView<byte> input, ArrayView<int> weights, ConvKernelArgs a, int m, int oc, int group, ref int acc0, ref int acc1, ref int acc2, ref int acc3)
    {
        int ow = m % a.OW;
        int rest = m / a.OW;
        int oh = rest % a.OH;
        int n = rest / a.OH;
        int w0 = oc * a.KWords;
        int w1 = w0 + a.KWords;
        int w2 = w1 + a.KWords;
        int w3 = w2 + a.KWords;
        int channelBase = group * a.CinPerGroup;
        int k = 0;
        for (int ky = 0; ky < a.KH; ky++)
        {
            int ih = (oh * a.StrideH) - a.PadTop + (ky * a.DilationH);
            bool rowInside = ih >= 0 && ih < a.H;
            for (int kx = 0; kx < a.KW; kx++)
            {
                int iw = (ow * a.StrideW) - a.PadLeft + (kx * a.DilationW);
                bool inside = rowInside && iw >= 0 && iw < a.W;
                int pixel = (((((n * a.H) + ih) * a.W) + iw) * a.C) + channelBase;
                for (int ci = 0; ci < a.CinPerGroup; ci++, k++)
                {
                    int x = inside ? (sbyte)(byte)(input[pixel + ci] ^ a.InputFlip) : a.InputZeroPoint;
                    int word = k >> 2;
                    int shift = 8 * (k & 3);
                    acc0 += x * (sbyte)(weights[w0 + word] >> shift);
                    acc1 += x * (sbyte)(weights[w1 + word] >> shift);
                    acc2 += x * (sbyte)(weights[w2 + word] >> shift);
                    acc3 += x * (sbyte)(weights[w3 + word] >> shift);
                }
            }
        }
    }

    /// <summary>Sum over the receptive field of output pixel <paramref name="m"/> for channel <paramref name="oc"/>.</summary>
    private static int OutputSum(ArrayView<byte> input, ArrayView<int> weights, ConvKernelArgs a, int m, int oc, int group)
    {
        int ow = m % a.OW;
        int rest = m / a.OW;
        int oh = rest % a.OH;
        int n = rest / a.OH;
        int weightBase = oc * a.KWords;
        int channelBase = group * a.CinPerGroup;
        int acc = 0;
        int k = 0;
        for (int ky = 0; ky < a.KH; ky++)
        {
            int ih = (oh * a.StrideH) - a.PadTop + (ky * a.DilationH);
            bool rowInside = ih >= 0 && ih < a.H;
            for (int kx = 0; kx < a.KW; kx++)
            {
                int iw = (ow * a.StrideW) - a.PadLeft + (kx * a.DilationW);
                bool inside = rowInside && iw >= 0 && iw < a.W;
                int pixel = (((((n * a.H) + ih) * a.W) + iw) * a.C) + channelBase;
                for (int ci = 0; ci < a.CinPerGroup; ci++, k++)
                {
                    int x = inside ? (sbyte)(byte)(input[pixel + ci] ^ a.InputFlip) : a.InputZeroPoint;
                    int w = (sbyte)(weights[weightBase + (k >> 2)] >> (8 * (k & 3)));
                    acc += x * w;
                }
            }
        }

        return acc;
    }
}
