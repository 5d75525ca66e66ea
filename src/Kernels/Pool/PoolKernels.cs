// INT8 max and average pooling kernels on NHWC activations, grid-stride over output elements.
using ILGPU;
using Onnxc.Kernels.Quantization;

namespace Onnxc.Kernels.Pool;

/// <summary>
/// Grid-stride pooling kernels (see <see cref="GridStride"/>); the index is the NHWC output element (channel
/// innermost, so neighbouring threads read neighbouring bytes).
/// </summary>
public static class PoolKernels
{
    /// <summary>
    /// MaxPool: the largest real tap, compared in the signed domain and stored back in the input's type
    /// (max commutes with the monotonic quantization, so scale and zero point pass through). Padding never wins.
    /// </summary>
    public static void MaxPool(ArrayView<byte> input, ArrayView<byte> output, PoolKernelArgs a)
    {
        int count = (int)output.Length;
        int stride = GridStride.Stride;
        for (int index = GridStride.Start; index < count; index += stride)
        {
            MaxPoolAt(index, input, output, a);
        }
    }

    private static void MaxPoolAt(int index, ArrayView<byte> input, ArrayView<byte> output, PoolKernelArgs a)
    {
        int c = index % a.C;
        int rest = index / a.C;
        int ow = rest % a.OW;
        rest /= a.OW;
        int oh = rest % a.OH;
        int n = rest / a.OH;
        int best = -129;
        for (int ky = 0; ky < a.KH; ky++)
        {
            int ih = (oh * a.StrideH) - a.PadTop + (ky * a.DilationH);
            if (ih < 0 || ih >= a.H)
            {
                continue;
            }

            for (int kx = 0; kx < a.KW; kx++)
            {
                int iw = (ow * a.StrideW) - a.PadLeft + (kx * a.DilationW);
                if (iw < 0 || iw >= a.W)
                {
                    continue;
                }

                int v = (sbyte)(byte)(input[((((n * a.H) + ih) * a.W) + iw) * a.C + c] ^ a.InputFlip);
                if (v > best)
                {
                    best = v;
                }
            }
        }

        // A window of padding only cannot occur (pads < kernel); keep the lowest value if it did.
        if (best < -128)
        {
            best = -128;
        }

        output[index] = (byte)(best ^ a.InputFlip);
    }

    /// <summary>AveragePool/GlobalAveragePool (see <see cref="PackedAveragePool"/> for the arithmetic).</summary>
    public static void AveragePool(ArrayView<byte> input, ArrayView<byte> output, ArrayView<int> multipliers, ArrayView<int> shifts, PoolKernelArgs a)
    {
        int count = (int)output.Length;
        int stride = GridStride.Stride;
        for (int index = GridStride.Start; index < count; index += stride)
        {
            AveragePoolAt(index, input, output, multipliers, shifts, a);
        }
    }

    private static void AveragePoolAt(int index, ArrayView<byte> input, ArrayView<byte> output, ArrayView<int> multipliers, ArrayView<int> shifts, PoolKernelArgs a)
    {
        int c = index % a.C;
        int rest = index / a.C;
        int ow = rest % a.OW;
        rest /= a.OW;
        int oh = rest % a.OH;
        int n = rest / a.OH;
        int sum = 0;
        int real = 0;
        int padded = 0;
        for (int ky = 0; ky < a.KH; ky++)
        {
            int ih = (oh * a.StrideH) - a.PadTop + (ky * a.DilationH);
            bool rowInPad = ih >= -a.PadTop && ih < a.H + a.PadBottom;
            bool rowReal = ih >= 0 && ih < a.H;
            for (int kx = 0; kx < a.KW; kx++)
            {
                int iw = (ow * a.StrideW) - a.PadLeft + (kx * a.DilationW);
                if (rowInPad && iw >= -a.PadLeft && iw < a.W + a.PadRight)
                {
                    padded++;
                }

                if (!rowReal || iw < 0 || iw >= a.W)
                {
                    continue;
                }

                int v = (sbyte)(byte)(input[((((n * a.H) + ih) * a.W) + iw) * a.C + c] ^ a.InputFlip);
                sum += v - a.InputZeroPoint;
                real++;
            }
        }

        int count = a.CountIncludePad != 0 ? padded : real;
        if (count < 1)
        {
            count = 1;
        }

        output[index] = (byte)FixedPoint.Requantize(sum, multipliers[count], shifts[count], a.OutputZeroPoint, a.OutputLo, a.OutputHi);
    }
}
