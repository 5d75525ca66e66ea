// Shared-memory tile loading and the requantizing epilogue common to all convolution kernels.
using ILGPU;
using Onnxc.Kernels.Quantization;

namespace Onnxc.Kernels.Conv;

/// <summary>
/// Building blocks of the implicit-GEMM convolution kernels. A block computes a
/// <see cref="TileM"/> x <see cref="TileN"/> tile of <c>C[M, N]</c> for one group, walking K in steps of
/// <see cref="TileKWords"/> words (32 bytes). Each step gathers the A tile (im2col of the NHWC input,
/// sign-flipped to int8, padding = z_x) and the B tile (packed weights) into shared memory as 4-byte words.
/// </summary>
public static class ConvTiles
{
    public const int TileM = 32;
    public const int TileN = 32;
    public const int TileKWords = 8;

    /// <summary>Row stride of the shared tiles in words: 12 keeps the tensor-core fragment reads free of bank conflicts.</summary>
    public const int SharedStride = 12;

    public const int SharedWords = TileM * SharedStride;

    /// <summary>Fills both shared tiles for the K step starting at word <paramref name="kWord0"/>.</summary>
    public static void LoadTiles(
        ArrayView<byte> input,
        ArrayView<int> weights,
        ConvKernelArgs a,
        ArrayView<int> tileA,
        ArrayView<int> tileB,
        int mBase,
        int nBase,
        int group,
        int kWord0,
        int thread,
        int threads)
    {
        for (int i = thread; i < TileM * TileKWords; i += threads)
        {
            int row = i / TileKWords;
            int word = i % TileKWords;
            tileA[(row * SharedStride) + word] = LoadInputWord(input, a, mBase + row, kWord0 + word, group);
            int n = nBase + row;
            tileB[(row * SharedStride) + word] = n < a.CoutPerGroup
                ? weights[((group * a.CoutPerGroup) + n) * a.KWords + kWord0 + word]
                : 0;
        }
    }

    /// <summary>Four consecutive reduction bytes of output pixel <paramref name="m"/>, packed little-endian.</summary>
    public static int LoadInputWord(ArrayView<byte> input, ConvKernelArgs a, int m, int kWord, int group)
    {
        if (m >= a.M)
        {
            return 0;
        }

        int ow = m % a.OW;
        int rest = m / a.OW;
        int oh = rest % a.OH;
        int n = rest / a.OH;
        // Decompose the first reduction index once, then step through (ci, kx, ky) without divisions:
        // the gather is the costly part of the kernel on the GPU.
        int k = kWord * 4;
        int ci = k % a.CinPerGroup;
        int tap = k / a.CinPerGroup;
        int kx = tap % a.KW;
        int ky = tap / a.KW;
        int channelBase = (n * a.H * a.W * a.C) + (group * a.CinPerGroup);
        int word = 0;
        for (int j = 0; j < 4 && k + j < a.K; j++)
        {
            int ih = (oh * a.StrideH) - a.PadTop + (ky * a.DilationH);
            int iw = (ow * a.StrideW) - a.PadLeft + (kx * a.DilationW);
            int value = a.InputZeroPoint;
            if (ih >= 0 && ih < a.H && iw >= 0 && iw < a.W)
            {
                value = input[channelBase + (((ih * a.W) + iw) * a.C) + ci] ^ a.InputFlip;
            }

            word |= (value & 0xFF) << (8 * j);
            ci++;
            if (ci == a.CinPerGroup)
            {
                ci = 0;
                kx++;
                if (kx == a.KW)
                {
                    kx = 0;
                    ky++;
                }
            }
        }

        return word;
    }

    /// <summary>Adds the folded bias, requantizes and stores one output element if it is inside C.</summary>
    public static void Store(
        ArrayView<int> bias,
        ArrayView<int> multipliers,
        ArrayView<int> shifts,
        ArrayView<byte> output,
        ConvKernelArgs a,
        int m,
        int n,
        int group,
        int acc)
    {
        if (m >= a.M || n >= a.CoutPerGroup)
        {
            return;
        }

        int oc = (group * a.CoutPerGroup) + n;
        int y = FixedPoint.Requantize(acc + bias[oc], multipliers[oc], shifts[oc], a.OutputZeroPoint, a.OutputLo, a.OutputHi);
        output[(m * a.OC) + oc] = (byte)y;
    }
}
