// Scalar C# references of the quantized pooling kernels.
using Onnxc.Kernels.Pool;
using Onnxc.Kernels.Quantization;

namespace Onnxc.Kernels.Reference;

/// <summary>Direct-loop MaxPool/AveragePool on NHWC bytes, decoding values in their own type.</summary>
public static class PoolReference
{
    public static byte[] MaxPool(PoolGeometry g, QuantElementType type, ReadOnlySpan<byte> input)
    {
        g.Validate();
        var output = new byte[g.OutputElements];
        int o = 0;
        for (int n = 0; n < g.Batch; n++)
        {
            for (int oh = 0; oh < g.OutHeight; oh++)
            {
                for (int ow = 0; ow < g.OutWidth; ow++)
                {
                    for (int c = 0; c < g.Channels; c++)
                    {
                        int best = int.MinValue;
                        foreach (var (ih, iw, real) in Taps(g, oh, ow))
                        {
                            if (real)
                            {
                                best = Math.Max(best, type.Decode(input[(((n * g.InHeight + ih) * g.InWidth) + iw) * g.Channels + c]));
                            }
                        }

                        output[o++] = type.Encode(best);
                    }
                }
            }
        }

        return output;
    }

    public static byte[] AveragePool(PoolGeometry g, QuantParams inputParams, QuantParams outputParams, ReadOnlySpan<byte> input)
    {
        g.Validate();
        var output = new byte[g.OutputElements];
        int o = 0;
        for (int n = 0; n < g.Batch; n++)
        {
            for (int oh = 0; oh < g.OutHeight; oh++)
            {
                for (int ow = 0; ow < g.OutWidth; ow++)
                {
                    for (int c = 0; c < g.Channels; c++)
                    {
                        int sum = 0;
                        int real = 0;
                        int inPaddedInput = 0;
                        foreach (var (ih, iw, isReal) in Taps(g, oh, ow))
                        {
                            inPaddedInput++;
                            if (!isReal)
                            {
                                continue;
                            }

                            real++;
                            sum += inputParams.Type.Decode(input[(((n * g.InHeight + ih) * g.InWidth) + iw) * g.Channels + c]) - inputParams.ZeroPoint;
                        }

                        int count = g.CountIncludePad ? inPaddedInput : real;
                        var fp = FixedPointMultiplier.FromScale((double)inputParams.Scale / ((double)outputParams.Scale * count));
                        int y = FixedPoint.Requantize(sum, fp.Multiplier, fp.Shift, outputParams.ZeroPoint,
                            outputParams.Type.MinValue(), outputParams.Type.MaxValue());
                        output[o++] = outputParams.Type.Encode(y);
                    }
                }
            }
        }

        return output;
    }

    /// <summary>Window taps inside the padded input, flagged real when inside the unpadded input.</summary>
    private static List<(int Ih, int Iw, bool Real)> Taps(PoolGeometry g, int oh, int ow)
    {
        var taps = new List<(int, int, bool)>();
        for (int ky = 0; ky < g.KernelHeight; ky++)
        {
            int ih = (oh * g.StrideHeight) - g.PadTop + (ky * g.DilationHeight);
            if (ih < -g.PadTop || ih >= g.InHeight + g.PadBottom)
            {
                continue;
            }

            for (int kx = 0; kx < g.KernelWidth; kx++)
            {
                int iw = (ow * g.StrideWidth) - g.PadLeft + (kx * g.DilationWidth);
                if (iw < -g.PadLeft || iw >= g.InWidth + g.PadRight)
                {
                    continue;
                }

                taps.Add((ih, iw, ih >= 0 && ih < g.InHeight && iw >= 0 && iw < g.InWidth));
            }
        }

        return taps;
    }
}
