// Bit-exactness of every convolution kernel variant against the scalar reference, on every accelerator.
using ILGPU;
using ILGPU.Runtime;
using Onnxc.Kernels.Conv;
using Onnxc.Kernels.Quantization;
using Onnxc.Kernels.Reference;
using Onnxc.Kernels.Targets;
using Onnxc.Kernels.Tests.Support;

namespace Onnxc.Kernels.Tests.Conv;

public class ConvKernelTests
{
    public static TheoryData<string, ConvAlgorithm, string> Cases()
    {
        var data = new TheoryData<string, ConvAlgorithm, string>();
        foreach (var device in TestAccelerators.All)
        {
            foreach (var algorithm in new[] { ConvAlgorithm.Portable, ConvAlgorithm.Dp4a, ConvAlgorithm.TensorCore, ConvAlgorithm.Direct, ConvAlgorithm.Auto })
            {
                if (device != "cpu" && !TestAccelerators.Library(device).RunsNatively(algorithm))
                {
                    continue;
                }

                foreach (var (name, c) in ConvCase.All)
                {
                    // The direct kernel takes every case. Auto is checked on depthwise cases (where it must
                    // pick the direct kernel) and on one GEMM case. Depthwise shapes never reach the
                    // tensor-core kernel (Auto routes them to the direct one) and its CPU emulation is slow, so
                    // its grouped path is covered by "grouped-3-relu" instead.
                    bool depthwise = DirectConvKernel.IsDepthwise(c.Geometry);
                    if (algorithm == ConvAlgorithm.TensorCore && depthwise)
                    {
                        continue;
                    }

                    if (algorithm == ConvAlgorithm.Auto && !depthwise && name != "gemm-37x45x33-u8")
                    {
                        continue;
                    }

                    data.Add(device, algorithm, name);
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesReferenceBitExactly(string device, ConvAlgorithm algorithm, string caseName)
    {
        var c = ConvCase.All[caseName];
        var random = new Random(caseName.Sum(ch => ch)); // string.GetHashCode is randomized per process
        var g = c.Geometry;
        byte[] input = TestData.Bytes(random, g.InputElements);
        sbyte[] weights = TestData.SBytes(random, (long)g.OutChannels * g.ReductionLength);
        float[] weightScales = TestData.Floats(random, c.PerTensorWeights ? 1 : g.OutChannels, 0.002f, 0.02f);
        int[] bias = TestData.Ints(random, g.OutChannels, -20000, 20000);
        var inputParams = new QuantParams(0.05f, c.InputType == QuantElementType.UInt8 ? 131 : -7, c.InputType);

        // Output scale so that a typical accumulator lands ~OutputSpread steps from zero.
        double accStd = Math.Sqrt(g.ReductionLength) * 74 * 74;
        float outScale = (float)(0.05 * 0.011 * accStd / c.OutputSpread);
        var outputParams = new QuantParams(outScale, c.OutputType == QuantElementType.UInt8 ? 119 : 3, c.OutputType);

        byte[] expected = ConvReference.Conv2D(g, input, weights, weightScales, bias, inputParams, outputParams, c.Activation);
        var packed = ConvPacker.Pack(g, weights, weightScales, bias, inputParams, outputParams, c.Activation);
        var library = TestAccelerators.Library(device);
        using var conv = library.Upload(packed);
        using var inputBuffer = library.Accelerator.Allocate1D(input);
        using var outputBuffer = library.Accelerator.Allocate1D<byte>(g.OutputElements);
        library.Conv2D(conv, inputBuffer.View, outputBuffer.View, algorithm);
        library.Accelerator.Synchronize();
        byte[] actual = outputBuffer.GetAsArray1D();

        Assert.Equal(expected, actual);
        c.CheckCoverage(expected, outputParams, packed);
    }

    [Fact]
    public void AutoPicksDirectOnCpu()
    {
        var library = TestAccelerators.Library("cpu");
        Assert.Equal(ConvAlgorithm.Direct, library.SelectConvAlgorithm());
        Assert.False(library.RunsNatively(ConvAlgorithm.Dp4a));
        Assert.False(library.RunsNatively(ConvAlgorithm.TensorCore));
    }

    [Fact]
    public void TargetFeaturesDecideTheAlgorithm()
    {
        var gemm = ConvCase.All["gemm-37x45x33-u8"].Geometry;
        var depthwise = ConvCase.All["depthwise-stride2-relu6"].Geometry;
        Assert.Equal(ConvAlgorithm.TensorCore, Int8KernelLibrary.SelectConvAlgorithm(TargetRegistry.Rtx2050, gemm));
        Assert.Equal(ConvAlgorithm.Direct, Int8KernelLibrary.SelectConvAlgorithm(TargetRegistry.Rtx2050, depthwise));
        Assert.Equal(ConvAlgorithm.Direct, Int8KernelLibrary.SelectConvAlgorithm(TargetRegistry.Cpu, gemm));
        var dp4aOnly = TargetRegistry.Rtx2050 with { Name = "turing-like", Features = TargetFeatures.Dp4a };
        Assert.Equal(ConvAlgorithm.Dp4a, Int8KernelLibrary.SelectConvAlgorithm(dp4aOnly, gemm));
    }

    [Fact]
    public void RejectsWrongBufferSizes()
    {
        var g = ConvCase.All["3x3-pad1-s8"].Geometry;
        var p = new QuantParams(0.1f, 0, QuantElementType.Int8);
        var packed = ConvPacker.Pack(g, new sbyte[g.OutChannels * g.ReductionLength], [0.01f], [], p, p, FusedActivation.None);
        var library = TestAccelerators.Library("cpu");
        using var conv = library.Upload(packed);
        using var input = library.Accelerator.Allocate1D<byte>(g.InputElements - 1);
        using var output = library.Accelerator.Allocate1D<byte>(g.OutputElements);
        var error = Assert.Throws<ArgumentException>(() => library.Conv2D(conv, input.View, output.View));
        Assert.Contains("convolution input", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RejectsInvalidGeometry()
    {
        var g = new Conv2DGeometry { Batch = 1, InHeight = 4, InWidth = 4, InChannels = 6, OutChannels = 4, KernelHeight = 3, KernelWidth = 3, Groups = 4 };
        var error = Assert.Throws<ArgumentException>(g.Validate);
        Assert.Contains("groups", error.Message, StringComparison.Ordinal);
    }
}
