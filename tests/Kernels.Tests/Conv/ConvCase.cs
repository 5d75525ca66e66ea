// The convolution shapes the kernel tests run: odd sizes, padding, strides, dilation, groups, Gemm, channel words.
using Onnxc.Kernels.Conv;
using Onnxc.Kernels.Quantization;

namespace Onnxc.Kernels.Tests.Conv;

/// <summary>One test convolution; <see cref="CheckCoverage"/> proves the data exercised what the case claims.</summary>
public sealed record ConvCase(
    Conv2DGeometry Geometry,
    QuantElementType InputType,
    QuantElementType OutputType,
    FusedActivation Activation,
    double OutputSpread,
    bool PerTensorWeights = false,
    bool ExpectSaturation = false)
{
    public static IReadOnlyDictionary<string, ConvCase> All { get; } = new Dictionary<string, ConvCase>
    {
        ["3x3-pad1-s8"] = new(
            new() { Batch = 1, InHeight = 5, InWidth = 7, InChannels = 3, OutChannels = 5, KernelHeight = 3, KernelWidth = 3, PadTop = 1, PadLeft = 1, PadBottom = 1, PadRight = 1 },
            QuantElementType.Int8, QuantElementType.Int8, FusedActivation.None, 30),
        ["stride2-dilation2-asympad-u8"] = new(
            new() { Batch = 2, InHeight = 9, InWidth = 8, InChannels = 5, OutChannels = 7, KernelHeight = 3, KernelWidth = 2, StrideHeight = 2, StrideWidth = 3, PadTop = 2, PadLeft = 0, PadBottom = 1, PadRight = 3, DilationHeight = 2, DilationWidth = 2 },
            QuantElementType.UInt8, QuantElementType.UInt8, FusedActivation.None, 30),
        ["grouped-3-relu"] = new(
            new() { Batch = 1, InHeight = 6, InWidth = 5, InChannels = 6, OutChannels = 9, KernelHeight = 3, KernelWidth = 2, PadTop = 1, PadBottom = 1, Groups = 3 },
            QuantElementType.UInt8, QuantElementType.Int8, FusedActivation.Relu, 30),
        ["depthwise-stride2-relu6"] = new(
            new() { Batch = 1, InHeight = 11, InWidth = 13, InChannels = 5, OutChannels = 5, KernelHeight = 3, KernelWidth = 3, StrideHeight = 2, StrideWidth = 2, PadTop = 1, PadLeft = 1, PadBottom = 1, PadRight = 1, Groups = 5 },
            QuantElementType.Int8, QuantElementType.UInt8, FusedActivation.Clip(0, 6), 150),
        ["depthwise-dilated-asympad-u8"] = new(
            new() { Batch = 2, InHeight = 6, InWidth = 7, InChannels = 6, OutChannels = 6, KernelHeight = 3, KernelWidth = 2, PadTop = 2, PadLeft = 1, PadRight = 2, DilationHeight = 2, DilationWidth = 3, Groups = 6 },
            QuantElementType.UInt8, QuantElementType.UInt8, FusedActivation.None, 30),
        ["gemm-37x45x33-u8"] = new(
            Conv2DGeometry.ForGemm(37, 45, 33),
            QuantElementType.UInt8, QuantElementType.Int8, FusedActivation.None, 30, PerTensorWeights: true),
        ["deep-k-multi-tile"] = new(
            new() { Batch = 1, InHeight = 6, InWidth = 6, InChannels = 27, OutChannels = 35, KernelHeight = 3, KernelWidth = 3, PadTop = 1, PadLeft = 1, PadBottom = 1, PadRight = 1 },
            QuantElementType.UInt8, QuantElementType.UInt8, FusedActivation.None, 30),
        // Input channels per group a multiple of 4 (the direct kernel's word path) and output channels per group a
        // multiple of 4 (its four-channel blocks), with padding read as the zero point of either input type.
        ["channel-words-pad1-u8"] = new(
            new() { Batch = 2, InHeight = 7, InWidth = 6, InChannels = 8, OutChannels = 12, KernelHeight = 3, KernelWidth = 3, PadTop = 1, PadLeft = 1, PadBottom = 1, PadRight = 1 },
            QuantElementType.UInt8, QuantElementType.UInt8, FusedActivation.None, 30),
        ["channel-words-grouped-stride2-s8"] = new(
            new() { Batch = 1, InHeight = 9, InWidth = 8, InChannels = 16, OutChannels = 8, KernelHeight = 3, KernelWidth = 3, StrideHeight = 2, StrideWidth = 2, PadTop = 1, PadLeft = 1, Groups = 2 },
            QuantElementType.Int8, QuantElementType.Int8, FusedActivation.Relu, 30),
        ["saturating-both-ends"] = new(
            new() { Batch = 1, InHeight = 4, InWidth = 5, InChannels = 7, OutChannels = 6, KernelHeight = 1, KernelWidth = 3, PadLeft = 1, PadRight = 1 },
            QuantElementType.Int8, QuantElementType.Int8, FusedActivation.None, 250, ExpectSaturation: true),
    };

    /// <summary>Fails when the test data did not reach the values the case is meant to cover.</summary>
    public void CheckCoverage(byte[] expected, QuantParams output, PackedConv packed)
    {
        var values = expected.Select(b => output.Type.Decode(b)).ToArray();
        Assert.True(values.Distinct().Count() > Math.Min(20, values.Length / 4), "outputs are not spread over the range");
        if (ExpectSaturation)
        {
            Assert.Contains(output.Type.MinValue(), values);
            Assert.Contains(output.Type.MaxValue(), values);
        }

        if (Activation.Kind != FusedActivationKind.None)
        {
            Assert.Contains(packed.OutputLo, values);
            Assert.All(values, v => Assert.InRange(v, packed.OutputLo, packed.OutputHi));
        }

        if (Activation.Kind == FusedActivationKind.Clip)
        {
            Assert.True(packed.OutputHi < output.Type.MaxValue(), "the Clip upper bound does not bind");
            Assert.Contains(packed.OutputHi, values);
        }
    }
}
