// Window, stride, padding and dilation of a 2-D pooling on NHWC activations.
namespace Onnxc.Kernels.Pool;

/// <summary>
/// Geometry of ONNX MaxPool/AveragePool/GlobalAveragePool on NHWC activations. Output size per ONNX:
/// <c>(H + PadTop + PadBottom - DilationH * (KernelH - 1) - 1) / StrideH + 1</c>, rounded up with
/// <see cref="CeilMode"/>, in which case a last window that would start inside the bottom/right padding is
/// dropped (as ONNX Runtime and PyTorch do).
/// </summary>
public sealed record PoolGeometry
{
    public required int Batch { get; init; }

    public required int InHeight { get; init; }

    public required int InWidth { get; init; }

    public required int Channels { get; init; }

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

    public bool CeilMode { get; init; }

    /// <summary>AveragePool's count_include_pad: divide by taps inside the padded input, not only the real ones.</summary>
    public bool CountIncludePad { get; init; }

    public int OutHeight => OutSize(InHeight, PadTop, PadBottom, KernelHeight, StrideHeight, DilationHeight);

    public int OutWidth => OutSize(InWidth, PadLeft, PadRight, KernelWidth, StrideWidth, DilationWidth);

    public long InputElements => (long)Batch * InHeight * InWidth * Channels;

    public long OutputElements => (long)Batch * OutHeight * OutWidth * Channels;

    /// <summary>GlobalAveragePool: one window over the whole image.</summary>
    public static PoolGeometry Global(int batch, int height, int width, int channels) => new()
    {
        Batch = batch,
        InHeight = height,
        InWidth = width,
        Channels = channels,
        KernelHeight = height,
        KernelWidth = width,
    };

    public void Validate()
    {
        bool ok = Batch > 0 && InHeight > 0 && InWidth > 0 && Channels > 0 && KernelHeight > 0 && KernelWidth > 0
            && StrideHeight > 0 && StrideWidth > 0 && DilationHeight > 0 && DilationWidth > 0
            && PadTop >= 0 && PadLeft >= 0 && PadBottom >= 0 && PadRight >= 0;
        if (!ok)
            throw new ArgumentException($"invalid pooling {this}: sizes, strides and dilations must be positive, pads non-negative");
        if (PadTop >= KernelHeight || PadBottom >= KernelHeight || PadLeft >= KernelWidth || PadRight >= KernelWidth)
            throw new ArgumentException($"invalid pooling {this}: pads must be smaller than the kernel");
        if (OutHeight <= 0 || OutWidth <= 0)
            throw new ArgumentException($"invalid pooling {this}: the window does not fit in the padded input");
        if (InputElements > int.MaxValue || OutputElements > int.MaxValue)
            throw new ArgumentException($"invalid pooling {this}: tensor larger than 2^31 elements");
    }

    private int OutSize(int size, int padBegin, int padEnd, int kernel, int stride, int dilation)
    {
        int span = size + padBegin + padEnd - (dilation * (kernel - 1)) - 1;
        if (span < 0)
            return 0;
        int count = CeilMode ? ((span + stride - 1) / stride) + 1 : (span / stride) + 1;
        if (CeilMode && (count - 1) * stride >= size + padBegin)
            count--;
        return count;
    }
}
