// QuantizeLinear/DequantizeLinear: round half to even, saturation, per-axis parameters, NaN.
using ILGPU;
using ILGPU.Runtime;
using Onnxc.Kernels.Qdq;
using Onnxc.Kernels.Quantization;
using Onnxc.Kernels.Reference;
using Onnxc.Kernels.Tests.Support;

namespace Onnxc.Kernels.Tests.Qdq;

public class QdqKernelTests
{
    public static TheoryData<string> Devices => TestAccelerators.Names;

    [Theory]
    [MemberData(nameof(Devices))]
    public void QuantizeRoundsHalfToEvenAndSaturates(string device)
    {
        var library = TestAccelerators.Library(device);
        float[] input = [0.5f, 1.5f, 2.5f, -0.5f, -1.5f, -2.5f, 2.4999998f, -2.5000002f, 1000f, -1000f, 1e30f, -1e30f, float.NaN, 0f];
        var s8 = new QdqParameters(QuantElementType.Int8, [1f], [0]);
        Assert.Equal(
            new sbyte[] { 0, 2, 2, 0, -2, -2, 2, -3, 127, -128, 127, -128, 0, 0 },
            Run(library, s8, input).Select(b => (sbyte)b));
        var u8 = new QdqParameters(QuantElementType.UInt8, [0.5f], [3]);
        Assert.Equal(
            new byte[] { 4, 6, 8, 2, 0, 0, 8, 0, 255, 0, 255, 0, 3, 3 },
            Run(library, u8, input));
    }

    [Theory]
    [MemberData(nameof(Devices))]
    public void PerAxisQuantizeAndDequantizeMatchReference(string device)
    {
        var library = TestAccelerators.Library(device);
        var random = new Random(31);

        // Shape [2][3][7], quantized along the middle axis.
        float[] input = TestData.Floats(random, 2 * 3 * 7, -4, 4);
        input[5] = 0.75f; // exactly half a step of 0.5 -> tie
        foreach (var type in new[] { QuantElementType.Int8, QuantElementType.UInt8 })
        {
            int[] zeroPoints = type == QuantElementType.Int8 ? [0, -10, 20] : [128, 100, 3];
            var p = new QdqParameters(type, [0.5f, 0.02f, 0.1f], zeroPoints, inner: 7);
            byte[] quantized = Run(library, p, input);
            Assert.Equal(QdqReference.Quantize(p, input), quantized);

            using var qdq = library.Upload(p);
            using var qb = library.Accelerator.Allocate1D(quantized);
            using var fb = library.Accelerator.Allocate1D<float>(quantized.Length);
            library.DequantizeLinear(qdq, qb.View, fb.View);
            library.Accelerator.Synchronize();
            float[] dequantized = fb.GetAsArray1D();
            Assert.Equal(QdqReference.Dequantize(p, quantized), dequantized);

            // Round trip: within half a step, except where the middle channel saturated.
            for (int i = 0; i < input.Length; i++)
            {
                int k = (i / 7) % 3;
                int q = type.Decode(quantized[i]);
                if (q > type.MinValue() && q < type.MaxValue())
                {
                    Assert.True(Math.Abs(dequantized[i] - input[i]) <= (p.Scales[k] / 2) + 1e-6f, $"element {i}");
                }
            }
        }
    }

    [Fact]
    public void RejectsMismatchedParameters()
    {
        Assert.Throws<ArgumentException>(() => new QdqParameters(QuantElementType.Int8, [1f, 2f], [0]));
        Assert.Throws<ArgumentException>(() => new QdqParameters(QuantElementType.UInt8, [1f], [-1]));
        Assert.Throws<ArgumentException>(() => new QdqParameters(QuantElementType.Int8, [0f], [0]));
    }

    private static byte[] Run(Int8KernelLibrary library, QdqParameters p, float[] input)
    {
        using var qdq = library.Upload(p);
        using var ib = library.Accelerator.Allocate1D(input);
        using var ob = library.Accelerator.Allocate1D<byte>(input.Length);
        library.QuantizeLinear(qdq, ib.View, ob.View);
        library.Accelerator.Synchronize();
        return ob.GetAsArray1D();
    }
}
