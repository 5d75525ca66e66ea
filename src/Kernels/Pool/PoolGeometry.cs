// Window, stride, padding and dilation of a 2-D pooling on NHWC activations.
namespace Onnxc.Kernels.Pool;

/// <summary>
/// Geometry of ONNX MaxPool/AveragePool/GlobalAveragePool on NHWC activations: the window
/// (<see cref="WindowGeometry"/>, its output size rounded up with <see cref="CeilMode"/>) over Channels.
/// </summary>
public sealed record PoolGeometry : WindowGeometry
{
    public required int Channels { get; init; }

    public bool CeilMode { get; init; }

    /// <summary>AveragePool's count_include_pad: divide by taps inside the padded input, not only the real ones.</summary>
    public bool CountIncludePad { get; init; }

    public long InputElements => (long)Batch * InHeight * InWidth * Channels;

    public long OutputElements => (long)Batch * OutHeight * OutWidth * Channels;

    protected override bool RoundsUp => CeilMode;

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
        const string what = "pooling";
        ValidateWindow(what);
        Require(Channels > 0, what, "all sizes must be positive");
        Require(PadTop < KernelHeight && PadBottom < KernelHeight && PadLeft < KernelWidth && PadRight < KernelWidth, what, "pads must be smaller than the kernel");
        ValidateExtent(what, InputElements, OutputElements);
    }
}
