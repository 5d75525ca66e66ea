// Compile-time folding of a quantized convolution: weight packing, bias folding, requantization.
using Onnxc.Kernels.Quantization;

namespace Onnxc.Kernels.Conv;

/// <summary>
/// Turns an ONNX-layout quantized convolution (or Gemm) into a <see cref="PackedConv"/>.
/// <para>
/// Math: with x the input in the signed domain, <c>acc[m, oc] = bias[oc] + sum_k (x[m, k] - z_x) w[oc, k]
/// = (bias[oc] - z_x sum_k w[oc, k]) + sum_k x[m, k] w[oc, k]</c>; the first term is folded here, and
/// padded input positions read z_x so they contribute zero. Weights are symmetric (zero point 0).
/// </para>
/// </summary>
public static class ConvPacker
{
    /// <summary>Reduction length is padded to this many bytes (one tensor-core k-step, four dp4a words x 2).</summary>
    public const int KAlignment = 32;

    /// <param name="geometry">Convolution geometry.</param>
    /// <param name="weights">int8 weights in ONNX layout <c>[OC][Cin/groups][KH][KW]</c>.</param>
    /// <param name="weightScales">Per-output-channel scales (length OC) or one per-tensor scale.</param>
    /// <param name="bias">int32 bias with scale <c>s_x * s_w[oc]</c> and zero point 0, or null.</param>
    /// <param name="input">Input activation quantization.</param>
    /// <param name="output">Output activation quantization.</param>
    /// <param name="activation">Fused Relu/Clip, or <see cref="FusedActivation.None"/>.</param>
    public static PackedConv Pack(
        Conv2DGeometry geometry,
        ReadOnlySpan<sbyte> weights,
        ReadOnlySpan<float> weightScales,
        ReadOnlySpan<int> bias,
        QuantParams input,
        QuantParams output,
        FusedActivation activation)
    {
        geometry.Validate();
        int oc = geometry.OutChannels;
        int cg = geometry.InChannelsPerGroup;
        int kh = geometry.KernelHeight;
        int kw = geometry.KernelWidth;
        int k = geometry.ReductionLength;
        if (weights.Length != (long)oc * k)
        {
            throw new ArgumentException($"weights have {weights.Length} elements, expected {oc}x{cg}x{kh}x{kw} = {(long)oc * k}");
        }

        if (weightScales.Length != 1 && weightScales.Length != oc)
        {
            throw new ArgumentException($"weight scales must have 1 or {oc} elements, got {weightScales.Length}");
        }

        if (!bias.IsEmpty && bias.Length != oc)
        {
            throw new ArgumentException($"bias must have {oc} elements, got {bias.Length}");
        }

        int kPadded = (k + KAlignment - 1) / KAlignment * KAlignment;
        int kWords = kPadded / 4;
        var packed = new int[oc * kWords];
        var folded = new int[oc];
        var multipliers = new int[oc];
        var shifts = new int[oc];
        int zx = input.SignedZeroPoint;
        for (int o = 0; o < oc; o++)
        {
            long sum = 0;
            for (int y = 0; y < kh; y++)
            {
                for (int x = 0; x < kw; x++)
                {
                    for (int c = 0; c < cg; c++)
                    {
                        sbyte w = weights[(((o * cg) + c) * kh + y) * kw + x];
                        int kIndex = ((y * kw) + x) * cg + c;
                        int word = (o * kWords) + (kIndex >> 2);
                        packed[word] |= (w & 0xFF) << (8 * (kIndex & 3));
                        sum += w;
                    }
                }
            }

            long b = (bias.IsEmpty ? 0 : bias[o]) - (zx * sum);
            folded[o] = checked((int)b);
            float ws = weightScales.Length == 1 ? weightScales[0] : weightScales[o];
            if (!(ws > 0) || !float.IsFinite(ws))
            {
                throw new ArgumentException($"weight scale of output channel {o} must be finite and > 0, got {ws}");
            }

            var fp = FixedPointMultiplier.FromScale((double)input.Scale * ws / output.Scale);
            multipliers[o] = fp.Multiplier;
            shifts[o] = fp.Shift;
        }

        var (lo, hi) = activation.QuantizedBounds(output);
        return new PackedConv(geometry, input, output, kWords, packed, folded, multipliers, shifts, lo, hi);
    }
}
