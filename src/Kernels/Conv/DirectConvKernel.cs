// Direct INT8 convolution without tiles: each loop step computes one to four output elements from the NHWC input.
using ILGPU;

namespace Onnxc.Kernels.Conv;

/// <summary>
/// Convolution with no shared memory and no barriers, for any geometry. Same packed weights
/// (reduction index <c>k = (ky * KW + kx) * CinPerGroup + ci</c>, four bytes per word, zero past K), same
/// folded bias and epilogue as the implicit-GEMM kernels; integer sums are exact, so it is bit-identical to
/// them and to the reference. Auto picks it for depthwise convolutions (a 32-wide GEMM tile would hold one
/// useful column) and on ILGPU's CPU accelerator, where the tiled kernels' 256-thread barriers cost more
/// than they save. Grid-stride over NHWC output elements, channel innermost (see <see cref="GridStride"/>); four
/// output channels per step where they divide the group, and four input channels per weight word where they do.
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
        // Four channels of one group per step where they divide the group: each input byte is read once for
        // four weights.
        if (a.CoutPerGroup % 4 == 0)
        {
            Blocks<FourChannels>(input, weights, bias, multipliers, shifts, output, a);
        }
        else
        {
            Blocks<OneChannel>(input, weights, bias, multipliers, shifts, output, a);
        }
    }

    private static void Blocks<TSums>(
        ArrayView<byte> input,
        ArrayView<int> weights,
        ArrayView<int> bias,
        ArrayView<int> multipliers,
        ArrayView<int> shifts,
        ArrayView<byte> output,
        ConvKernelArgs a)
        where TSums : struct, IChannelSums
    {
        var sums = default(TSums);
        int width = sums.Width;
        int blocks = a.OC / width;
        int count = a.M * blocks;
        int stride = GridStride.Stride;
        for (int index = GridStride.Start; index < count; index += stride)
        {
            int oc = (index % blocks) * width;
            int m = index / blocks;
            int group = oc / a.CoutPerGroup;
            sums.Reset(oc * a.KWords, a.KWords);
            ReceptiveField(input, weights, a, m, group, ref sums);
            for (int j = 0; j < width; j++)
            {
                ConvTiles.Store(bias, multipliers, shifts, output, a, m, oc + j - (group * a.CoutPerGroup), group, sums.Sum(j));
            }
        }
    }

    /// <summary>Feeds every input byte of output pixel <paramref name="m"/>'s receptive field (padding = z_x) to <paramref name="sums"/>.</summary>
    private static void ReceptiveField<TSums>(ArrayView<byte> input, ArrayView<int> weights, ConvKernelArgs a, int m, int group, ref TSums sums)
        where TSums : struct, IChannelSums
    {
        int ow = m % a.OW;
        int rest = m / a.OW;
        int oh = rest % a.OH;
        int n = rest / a.OH;
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
                if (a.CinPerGroup % 4 == 0)
                {
                    // Each tap starts a weight word: take the inputs four at a time, one word of each row.
                    int padding = a.InputZeroPoint & 0xFF;
                    padding |= (padding << 8) | (padding << 16) | (padding << 24);
                    for (int ci = 0; ci < a.CinPerGroup; ci += 4, k += 4)
                    {
                        int word = padding;
                        if (inside)
                        {
                            int p = pixel + ci;
                            word = (input[p] | (input[p + 1] << 8) | (input[p + 2] << 16) | (input[p + 3] << 24)) ^ (a.InputFlip * 0x01010101);
                        }

                        sums.AddWord(weights, word, k >> 2);
                    }
                }
                else
                {
                    for (int ci = 0; ci < a.CinPerGroup; ci++, k++)
                    {
                        int x = inside ? (sbyte)(byte)(input[pixel + ci] ^ a.InputFlip) : a.InputZeroPoint;
                        sums.Add(weights, x, k >> 2, 8 * (k & 3));
                    }
                }
            }
        }
    }

    /// <summary>Accumulators of a block of consecutive output channels (weights rows <c>KWords</c> apart).</summary>
    private interface IChannelSums
    {
        int Width { get; }

        void Reset(int firstRow, int rowWords);

        void Add(ArrayView<int> weights, int x, int word, int shift);

        /// <summary>Four inputs packed as signed bytes against weight word <paramref name="word"/> of each row.</summary>
        void AddWord(ArrayView<int> weights, int inputs, int word);

        int Sum(int channel);
    }

    private struct OneChannel : IChannelSums
    {
        private int _row;
        private int _sum;

        public readonly int Width => 1;

        public void Reset(int firstRow, int rowWords)
        {
            _row = firstRow;
            _sum = 0;
        }

        public void Add(ArrayView<int> weights, int x, int word, int shift) =>
            _sum += x * (sbyte)(weights[_row + word] >> shift);

        public void AddWord(ArrayView<int> weights, int inputs, int word) =>
            _sum = PortableDot4.Compute(inputs, weights[_row + word], _sum);

        public readonly int Sum(int channel) => _sum;
    }

    private struct FourChannels : IChannelSums
    {
        private int _row0;
        private int _rowWords;
        private int _sum0;
        private int _sum1;
        private int _sum2;
        private int _sum3;

        public readonly int Width => 4;

        public void Reset(int firstRow, int rowWords)
        {
            _row0 = firstRow;
            _rowWords = rowWords;
            _sum0 = _sum1 = _sum2 = _sum3 = 0;
        }

        public void Add(ArrayView<int> weights, int x, int word, int shift)
        {
            int w = _row0 + word;
            _sum0 += x * (sbyte)(weights[w] >> shift);
            _sum1 += x * (sbyte)(weights[w + _rowWords] >> shift);
            _sum2 += x * (sbyte)(weights[w + (2 * _rowWords)] >> shift);
            _sum3 += x * (sbyte)(weights[w + (3 * _rowWords)] >> shift);
        }

        public void AddWord(ArrayView<int> weights, int inputs, int word)
        {
            int w = _row0 + word;
            _sum0 = PortableDot4.Compute(inputs, weights[w], _sum0);
            _sum1 = PortableDot4.Compute(inputs, weights[w + _rowWords], _sum1);
            _sum2 = PortableDot4.Compute(inputs, weights[w + (2 * _rowWords)], _sum2);
            _sum3 = PortableDot4.Compute(inputs, weights[w + (3 * _rowWords)], _sum3);
        }

        public readonly int Sum(int channel) => channel switch
        {
            0 => _sum0,
            1 => _sum1,
            2 => _sum2,
            _ => _sum3,
        };
    }
}
