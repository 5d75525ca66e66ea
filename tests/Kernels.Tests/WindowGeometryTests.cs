// Tests of the window geometry convolution and pooling share: output sizes, ceil mode, and the validation messages.
using Onnxc.Kernels.Conv;
using Onnxc.Kernels.Pool;

namespace Onnxc.Kernels.Tests;

public sealed class WindowGeometryTests
{
    private static Conv2DGeometry Conv(int size, int kernel, int stride, int pad, int dilation = 1) => new()
    {
        Batch = 1, InHeight = size, InWidth = size, InChannels = 4, OutChannels = 8, KernelHeight = kernel, KernelWidth = kernel,
        StrideHeight = stride, StrideWidth = stride, PadTop = pad, PadLeft = pad, PadBottom = pad, PadRight = pad,
        DilationHeight = dilation, DilationWidth = dilation,
    };

    private static PoolGeometry Pool(int size, int kernel, int stride, int pad, bool ceil) => new()
    {
        Batch = 1, InHeight = size, InWidth = size, Channels = 4, KernelHeight = kernel, KernelWidth = kernel,
        StrideHeight = stride, StrideWidth = stride, PadTop = pad, PadLeft = pad, PadBottom = pad, PadRight = pad, CeilMode = ceil,
    };

    [Theory]
    [InlineData(32, 3, 1, 1, 1, 32)] // same padding
    [InlineData(32, 3, 2, 1, 1, 16)] // (32 + 2 - 3) / 2 + 1 = 16, rounded down
    [InlineData(7, 3, 1, 0, 2, 3)] // dilated: 7 - 2·2 - 1 = 2 → 3
    [InlineData(1, 1, 1, 0, 1, 1)]
    public void ConvolutionOutputSizesRoundDown(int size, int kernel, int stride, int pad, int dilation, int expected)
    {
        Conv2DGeometry g = Conv(size, kernel, stride, pad, dilation);
        g.Validate();
        Assert.Equal(expected, g.OutHeight);
        Assert.Equal(expected, g.OutWidth);
    }

    [Theory]
    [InlineData(6, 3, 2, 0, false, 2)]
    [InlineData(6, 3, 2, 0, true, 3)] // a partial last window counts with ceil_mode
    [InlineData(5, 2, 2, 1, true, 3)] // the fourth window would start in the bottom padding: dropped
    public void PoolingOutputSizesFollowCeilMode(int size, int kernel, int stride, int pad, bool ceil, int expected)
    {
        PoolGeometry g = Pool(size, kernel, stride, pad, ceil);
        g.Validate();
        Assert.Equal(expected, g.OutHeight);
    }

    [Fact]
    public void AWindowLargerThanThePaddedInputIsRefusedNotGivenANegativeSize()
    {
        Conv2DGeometry conv = Conv(2, 5, 2, 0);
        Assert.Equal(0, conv.OutHeight);
        var e = Assert.Throws<ArgumentException>(conv.Validate);
        Assert.Contains("invalid convolution", e.Message, StringComparison.Ordinal);
        Assert.Contains("does not fit", e.Message, StringComparison.Ordinal);
        Assert.Contains("does not fit", Assert.Throws<ArgumentException>(Pool(2, 5, 2, 0, false).Validate).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EachKindKeepsItsOwnChecks()
    {
        Assert.Contains("groups (3) must divide", Assert.Throws<ArgumentException>((Conv(8, 3, 1, 1) with { Groups = 3 }).Validate).Message, StringComparison.Ordinal);
        Assert.Contains("pads must be smaller than the kernel", Assert.Throws<ArgumentException>(Pool(8, 2, 1, 2, false).Validate).Message, StringComparison.Ordinal);
        Assert.Contains("strides must be positive", Assert.Throws<ArgumentException>((Conv(8, 3, 1, 1) with { StrideWidth = 0 }).Validate).Message, StringComparison.Ordinal);
    }
}
