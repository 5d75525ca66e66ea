// The sliding window that convolution and pooling share: input size, kernel, strides, pads and dilations (NHWC).
namespace Onnxc.Kernels;

/// <summary>
/// A 2-D window sliding over NHWC activations, as ONNX's Conv, MaxPool and AveragePool define it. Output size per
/// axis: <c>(H + PadTop + PadBottom - DilationH * (KernelH - 1) - 1) / StrideH + 1</c>, rounded up when
/// <see cref="RoundsUp"/> (pooling's ceil_mode), in which case a last window that would start inside the
/// bottom/right padding is dropped (as ONNX Runtime and PyTorch do).
/// </summary>
public abstract record WindowGeometry
{
    public required int Batch { get; init; }

    public required int InHeight { get; init; }

    public required int InWidth { get; init; }

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

    public int OutHeight => OutSize(InHeight, PadTop, PadBottom, KernelHeight, StrideHeight, DilationHeight);

    public int OutWidth => OutSize(InWidth, PadLeft, PadRight, KernelWidth, StrideWidth, DilationWidth);

    /// <summary>Whether a partial last window still gives an output (ceil instead of floor); convolution never does.</summary>
    protected virtual bool RoundsUp => false;

    /// <summary>
    /// The checks every window needs: positive sizes, kernel, strides and dilations, non-negative pads, a window
    /// that fits. Throws <see cref="ArgumentException"/> naming <paramref name="what"/> and the geometry.
    /// </summary>
    protected void ValidateWindow(string what)
    {
        Require(Batch > 0 && InHeight > 0 && InWidth > 0, what, "all sizes must be positive");
        Require(KernelHeight > 0 && KernelWidth > 0, what, "kernel size must be positive");
        Require(StrideHeight > 0 && StrideWidth > 0, what, "strides must be positive");
        Require(DilationHeight > 0 && DilationWidth > 0, what, "dilations must be positive");
        Require(PadTop >= 0 && PadLeft >= 0 && PadBottom >= 0 && PadRight >= 0, what, "pads must be non-negative");
    }

    /// <summary>Throws when the window does not fit or a tensor passes 2^31 elements (the kernels index with int).</summary>
    protected void ValidateExtent(string what, long inputElements, long outputElements)
    {
        Require(OutHeight > 0 && OutWidth > 0, what, "the window does not fit in the padded input");
        Require(inputElements <= int.MaxValue && outputElements <= int.MaxValue, what, "tensor larger than 2^31 elements");
    }

    protected void Require(bool condition, string what, string message)
    {
        if (!condition)
        {
            throw new ArgumentException($"invalid {what} {this}: {message}");
        }
    }

    /// <summary>One axis's output count; 0 for a window that cannot slide (so printing an invalid geometry never throws).</summary>
    private int OutSize(int size, int padBegin, int padEnd, int kernel, int stride, int dilation)
    {
        int span = size + padBegin + padEnd - (dilation * (kernel - 1)) - 1;
        if (span < 0 || stride <= 0 || kernel <= 0 || dilation <= 0)
        {
            return 0;
        }

        int count = RoundsUp ? ((span + stride - 1) / stride) + 1 : (span / stride) + 1;
        if (RoundsUp && (count - 1) * stride >= size + padBegin)
        {
            count--;
        }

        return count;
    }
}
