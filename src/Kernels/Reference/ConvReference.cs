// Scalar C# reference of the quantized convolution, straight from the ONNX definition.
using Onnxc.Kernels.Conv;
using Onnxc.Kernels.Quantization;

namespace Onnxc.Kernels.Reference;

/// <summary>
/// Direct-loop QLinearConv on NHWC bytes with ONNX-layout weights: no packing, no bias folding, no
/// tiling; <c>acc = bias + sum (x - z_x) * w</c> skipping padded taps, then the same
/// <see cref="FixedPoint.Requantize"/> the kernels use. The kernels must match it bit for bit.
/// </summary>
public static class ConvReference
{
    public static byte[] Conv2D(
        Conv2DGeometry g,
        ReadOnlySpan<byte> input,
        ReadOnlySpan<sbyte> weights,
        ReadOnlySpan<float> weightScales,
        ReadOnlySpan<int> bias,
        QuantParams inputParams,
        QuantParams outputParams,
        FusedActivation activation)
    {
        g.Validate();
        var output = new byte[g.OutputElements];
        var (lo, hi) = activation.QuantizedBounds(outputParams);
        int cg = g.InChannelsPerGroup;
        int og = g.OutChannelsPerGroup;
        for (int n = 0; n < g.Batch; n++)
        {
            for (int oh = 0; oh < g.OutHeight; oh++)
            {
                for (int ow = 0; ow < g.OutWidth; ow++)
                {
                    for (int oc = 0; oc < g.OutChannels; oc++)
                    {
                        int group = oc / og;
                        long acc = bias.IsEmpty ? 0 : bias[oc];
                        for (int c = 0; c < cg; c++)
                        {
                            for (int ky = 0; ky < g.KernelHeight; ky++)
                            {
                                int ih = (oh * g.StrideHeight) - g.PadTop + (ky * g.DilationHeight);
                                if (ih < 0 || ih >= g.InHeight)
                                {
                                    continue;
                                }

                                for (int kx = 0; kx < g.KernelWidth; kx++)
                                {
                                    int iw = (ow * g.StrideWidth) - g.PadLeft + (kx * g.DilationWidth);
                                    if (iw < 0 || iw >= g.InWidth)
                                    {
                                        continue;
                                    }

                                    int x = inputParams.Type.Decode(
                                        input[(((n * g.InHeight + ih) * g.InWidth) + iw) * g.InChannels + (group * cg) + c]);
                                    int w = weights[(((oc * cg) + c) * g.KernelHeight + ky) * g.KernelWidth + kx];
                                    acc += (long)(x - inputParams.ZeroPoint) * w;
                                }
                            }
                        }

                        float ws = weightScales.Length == 1 ? weightScales[0] : weightScales[oc];
                        var fp = FixedPointMultiplier.FromScale((double)inputParams.Scale * ws / outputParams.Scale);
                        int y = FixedPoint.Requantize(checked((int)acc), fp.Multiplier, fp.Shift, outputParams.ZeroPoint, lo, hi);
                        output[(((n * g.OutHeight + oh) * g.OutWidth) + ow) * g.OutChannels + oc] = outputParams.Type.Encode(y);
                    }
                }
            }
        }

        return output;
    }
}
