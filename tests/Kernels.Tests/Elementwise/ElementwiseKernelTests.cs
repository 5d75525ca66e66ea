// Bit-exactness of quantized Add and Concat, and the Add requantization against float arithmetic.
using ILGPU;
using ILGPU.Runtime;
using Onnxc.Kernels.Elementwise;
using Onnxc.Kernels.Quantization;
using Onnxc.Kernels.Reference;
using Onnxc.Kernels.Tests.Support;

namespace Onnxc.Kernels.Tests.Elementwise;

public class ElementwiseKernelTests
{
    public static TheoryData<string> Devices => TestAccelerators.Names;

    [Theory]
    [MemberData(nameof(Devices))]
    public void AddMatchesReferenceForMixedTypesAndRelu(string device)
    {
        var random = new Random(21);
        const int count = 1003;
        byte[] x = TestData.Bytes(random, count);
        byte[] y = TestData.Bytes(random, count);
        var a = new QuantParams(0.07f, 130, QuantElementType.UInt8);
        var b = new QuantParams(0.02f, -3, QuantElementType.Int8);
        var library = TestAccelerators.Library(device);
        foreach (var (output, activation) in new[]
        {
            (new QuantParams(0.05f, 4, QuantElementType.Int8), FusedActivation.None),
            (new QuantParams(0.03f, 100, QuantElementType.UInt8), FusedActivation.Relu),
        })
        {
            byte[] expected = ElementwiseReference.Add(a, b, output, activation, x, y);
            using var xb = library.Accelerator.Allocate1D(x);
            using var yb = library.Accelerator.Allocate1D(y);
            using var ob = library.Accelerator.Allocate1D<byte>(count);
            library.Add(AddRequantization.Create(a, b, output, activation), xb.View, yb.View, ob.View);
            library.Accelerator.Synchronize();
            Assert.Equal(expected, ob.GetAsArray1D());
            var values = expected.Select(v => output.Type.Decode(v)).ToArray();
            Assert.Contains(output.Type.MaxValue(), values);
            Assert.Contains(activation == FusedActivation.Relu ? output.ZeroPoint : output.Type.MinValue(), values);
        }
    }

    [Fact]
    public void AddIsWithinOneStepOfFloatAndUsuallyEqual()
    {
        var a = new QuantParams(0.0371f, 128, QuantElementType.UInt8);
        var b = new QuantParams(0.0029f, 0, QuantElementType.Int8);
        var output = new QuantParams(0.0413f, 120, QuantElementType.UInt8);
        var q = AddRequantization.Create(a, b, output, FusedActivation.None);
        int differences = 0;
        for (int x = 0; x < 256; x++)
        {
            for (int y = 0; y < 256; y++)
            {
                double real = ((x - 128) * (double)a.Scale) + (((sbyte)y) * (double)b.Scale);
                int floatResult = (int)Math.Clamp(Math.Round(real / output.Scale, MidpointRounding.ToEven) + output.ZeroPoint, 0, 255);
                int fixedResult = q.Apply((byte)x, (byte)y);
                Assert.InRange(fixedResult - floatResult, -1, 1);
                if (fixedResult != floatResult)
                {
                    differences++;
                }
            }
        }

        Assert.True(differences < 65536 / 1000, $"{differences} of 65536 differ from float");
    }

    [Theory]
    [MemberData(nameof(Devices))]
    public void ConcatMatchesReferenceWithRequantizedInputs(string device)
    {
        var random = new Random(22);
        const int outer = 3;
        const int inner = 5;
        int[] axisSizes = [2, 3, 1];
        var inputParams = new[]
        {
            new QuantParams(0.05f, 128, QuantElementType.UInt8),
            new QuantParams(0.05f, 128, QuantElementType.UInt8),
            new QuantParams(0.11f, -7, QuantElementType.Int8),
        };
        var output = new QuantParams(0.05f, 128, QuantElementType.UInt8);
        var inputs = axisSizes.Select(s => TestData.Bytes(random, outer * s * inner)).ToArray();
        byte[] expected = ElementwiseReference.Concat(outer, inner, axisSizes, inputParams, output, inputs);

        // Inputs with the output's parameters are copied unchanged.
        for (int o = 0; o < outer; o++)
        {
            for (int j = 0; j < 2 * inner; j++)
            {
                Assert.Equal(inputs[0][(o * 2 * inner) + j], expected[(o * 6 * inner) + j]);
            }
        }

        var library = TestAccelerators.Library(device);
        var buffers = inputs.Select(i => library.Accelerator.Allocate1D(i)).ToArray();
        try
        {
            using var ob = library.Accelerator.Allocate1D<byte>(expected.Length);
            var slices = ConcatSlice.Create(outer, inner, axisSizes, inputParams, output);
            library.Concat(slices, buffers.Select(b => (ArrayView<byte>)b.View).ToArray(), ob.View);
            library.Accelerator.Synchronize();
            Assert.Equal(expected, ob.GetAsArray1D());
        }
        finally
        {
            foreach (var buffer in buffers)
            {
                buffer.Dispose();
            }
        }
    }

    [Fact]
    public void AddRejectsBroadcasting()
    {
        var library = TestAccelerators.Library("cpu");
        var p = new QuantParams(0.1f, 0, QuantElementType.Int8);
        using var a = library.Accelerator.Allocate1D<byte>(10);
        using var b = library.Accelerator.Allocate1D<byte>(5);
        var error = Assert.Throws<ArgumentException>(() =>
            library.Add(AddRequantization.Create(p, p, p, FusedActivation.None), a.View, b.View, a.View));
        Assert.Contains("broadcasting", error.Message, StringComparison.Ordinal);
    }
}
