// Shape, stride, padding, dilation and groups of one 2-D convolution (NHWC activations).
namespace Onnxc.Kernels.Conv;

/// <summary>
/// Geometry of an ONNX Conv on NHWC activations: the window (<see cref="WindowGeometry"/>, its output size with
/// explicit pads, rounded down) over InChannels, giving OutChannels in Groups groups. Gemm/MatMul with constant weights is the 1x1 case: Batch = M rows, H = W = 1, InChannels = K,
/// OutChannels = N (see <see cref="ForGemm"/>).
/// </summary>
public sealed record Conv2DGeometry : WindowGeometry
{
    public required int InChannels { get; init; }

    public required int OutChannels { get; init; }

    public int Groups { get; init; } = 1;

    public int InChannelsPerGroup => Groups > 0 ? InChannels / Groups : 0;

    public int OutChannelsPerGroup => Groups > 0 ? OutChannels / Groups : 0;

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
        const string what = "convolution";
        ValidateWindow(what);
        Require(InChannels > 0 && OutChannels > 0, what, "all sizes must be positive");
        Require(Groups > 0 && InChannels % Groups == 0 && OutChannels % Groups == 0, what,
            $"groups ({Groups}) must divide input ({InChannels}) and output ({OutChannels}) channels");
        ValidateExtent(what, InputElements, OutputElements);
    }
}
