// A convolution with weights packed and quantization constants folded, ready for the kernels.
using Onnxc.Kernels.Quantization;

namespace Onnxc.Kernels.Conv;

/// <summary>
/// Output of <see cref="ConvPacker.Pack"/>: everything the kernels need, computed once at compile time.
/// <list type="bullet">
/// <item><see cref="Weights"/>: int8 weights as words of 4 bytes, <c>[OC][KWords]</c>, the reduction index
/// <c>k = (kh * KW + kw) * Cin/groups + ci</c> (channels innermost, matching the NHWC gather), zero past K.</item>
/// <item><see cref="Bias"/>: <c>bias[oc] - z_x * sum_k w[oc, k]</c> with z_x in the signed domain, so the
/// kernels accumulate raw <c>x * w</c> and padded positions read z_x.</item>
/// <item><see cref="Multipliers"/>/<see cref="Shifts"/>: per output channel, from
/// <c>s_x * s_w[oc] / s_y</c> (<see cref="FixedPointMultiplier"/>).</item>
/// <item><see cref="OutputLo"/>/<see cref="OutputHi"/>: output range narrowed by the fused activation.</item>
/// </list>
/// </summary>
public sealed record PackedConv(
    Conv2DGeometry Geometry,
    QuantParams Input,
    QuantParams Output,
    int KWords,
    int[] Weights,
    int[] Bias,
    int[] Multipliers,
    int[] Shifts,
    int OutputLo,
    int OutputHi)
{
    /// <summary>The kernel argument block for this convolution.</summary>
    public ConvKernelArgs KernelArgs() => new()
    {
        M = checked((int)Geometry.OutputPixels),
        H = Geometry.InHeight,
        W = Geometry.InWidth,
        C = Geometry.InChannels,
        OH = Geometry.OutHeight,
        OW = Geometry.OutWidth,
        OC = Geometry.OutChannels,
        KH = Geometry.KernelHeight,
        KW = Geometry.KernelWidth,
        StrideH = Geometry.StrideHeight,
        StrideW = Geometry.StrideWidth,
        PadTop = Geometry.PadTop,
        PadLeft = Geometry.PadLeft,
        DilationH = Geometry.DilationHeight,
        DilationW = Geometry.DilationWidth,
        CinPerGroup = Geometry.InChannelsPerGroup,
        CoutPerGroup = Geometry.OutChannelsPerGroup,
        K = Geometry.ReductionLength,
        KWords = KWords,
        InputFlip = Input.Type.SignFlip(),
        InputZeroPoint = Input.SignedZeroPoint,
        OutputZeroPoint = Output.ZeroPoint,
        OutputLo = OutputLo,
        OutputHi = OutputHi,
    };
}
