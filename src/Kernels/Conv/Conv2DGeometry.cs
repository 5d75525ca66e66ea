// Shape, stride, padding, dilation and groups of one 2-D convolution (NHWC activations).
namespace Onnxc.Kernels.Conv;

/// <summary>
/// Geometry of an ONNX Conv on NHWC activations. Output size per ONNX with explicit pads:
/// <c>OH = (H + PadTop + PadBottom - DilationH * (KernelH - 1) - 1) / StrideH + 1</c> (and the same for W).
/// Gemm/MatMul with constant weights is the 1x1 case: Batch = M rows, H = W = 1, InChannels = K,
/// OutChannels = N (see <see cref="ForGemm"/>).
/// </summary>
public sealed record Conv2DGeometry
{
    public required int Batch { get; init; }

    public required int InHeight { get; init; }

    public required int InWidth { get; init; }

    public required int InChannels { get; init; }

    public required int OutChannels { get; init; }

    public required int KernelHeight { get; init; }

    public required int KernelWidth { get; init; }

    public int StrideHeight { get; init; } = 1;

    public int StrideWidth { get; init; } = 1;

    public int PadTop { get; init; }

    public int PadLeft { get; init; }

    public int PadBottom { get; init; }

    public int PadRight { get; init; }

    public int DilationHeight { get; init; } = 1;

    public int DilationWidth { get; init; } = 1;

    public int Groups { get; init; } = 1;

    public int OutHeight => ((InHeight + PadTop + PadBottom - (DilationHeight * (KernelHeight - 1)) - 1) / StrideHeight) + 1;

    public int OutWidth => ((InWidth + PadLeft + PadRight - (DilationWidth * (KernelWidth - 1)) - 1) / StrideWidth) + 1;

    public int InChannelsPerGroup => InChannels / Groups;

    public int OutChannelsPerGroup => OutChannels / Groups;

    /// <summary>Reduction length of the implicit GEMM: KernelHeight * KernelWidth * InChannelsPerGroup.</summary>
    public int ReductionLength => KernelHeight * KernelWidth * InChannelsPerGroup;

    /// <summary>Rows of the implicit GEMM: one per output pixel.</summary>
    public long OutputPixels => (long)Batch * OutHeight * OutWidth;

    public long InputElements => (long)Batch * InHeight * InWidth * InChannels;

    public long OutputElements => OutputPixels * OutChannels;

    /// <summary>A Gemm <c>Y[M,N] = X[M,K] * W^T</c> as a 1x1 convolution.</summary>
    public static Conv2DGeometry ForGemm(int m, int k, int n) => new()
    {
        Batch = m,
        InHeight = 1,
        InWidth = 1,
        InChannels = k,
        OutChannels = n,
        KernelHeight = 1,
        KernelWidth = 1,
    };

    /// <summary>Throws with a clear message when the geometry is not a valid convolution.</summary>
    public void Validate()
    {
        Require(Batch > 0 && InHeight > 0 && InWidth > 0 && InChannels > 0 && OutChannels > 0, "all sizes must be positive");
        Require(KernelHeight > 0 && KernelWidth > 0, "kernel size must be positive");
        Require(StrideHeight > 0 && StrideWidth > 0, "strides must be positive");
        Require(DilationHeight > 0 && DilationWidth > 0, "dilations must be positive");
        Require(PadTop >= 0 && PadLeft >= 0 && PadBottom >= 0 && PadRight >= 0, "pads must be non-negative");
        Require(Groups > 0 && InChannels % Groups == 0 && OutChannels % Groups == 0,
            $"groups ({Groups}) must divide input ({InChannels}) and output ({OutChannels}) channels");
        Require(OutHeight > 0 && OutWidth > 0, "the kernel does not fit in the padded input");
        Require(InputElements <= int.MaxValue && OutputElements <= int.MaxValue, "tensor larger than 2^31 elements");
    }

    private void Require(bool condition, string message)
    {
        if (!condition)
            throw new ArgumentException($"invalid convolution {this}: {message}");
    }
}
