// Bit-exactness of MaxPool, AveragePool and GlobalAveragePool against the scalar references.
using ILGPU;
using ILGPU.Runtime;
using Onnxc.Kernels.Pool;
using Onnxc.Kernels.Quantization;
using Onnxc.Kernels.Reference;
using Onnxc.Kernels.Tests.Support;

namespace Onnxc.Kernels.Tests.Pool;

public class PoolKernelTests
{
    private static readonly Dictionary<string, PoolGeometry> s_cases = new()
    {
        ["3x3-s2-pad1"] = new() { Batch = 2, InHeight = 7, InWidth = 9, Channels = 5, KernelHeight = 3, KernelWidth = 3, StrideHeight = 2, StrideWidth = 2, PadTop = 1, PadLeft = 1, PadBottom = 1, PadRight = 1 },
        ["2x3-ceil-asympad-dilated"] = new() { Batch = 1, InHeight = 8, InWidth = 11, Channels = 3, KernelHeight = 2, KernelWidth = 3, StrideHeight = 2, StrideWidth = 3, PadTop = 1, PadRight = 2, DilationWidth = 2, CeilMode = true },
        ["3x3-s1-pad-count-include"] = new() { Batch = 1, InHeight = 5, InWidth = 6, Channels = 7, KernelHeight = 3, KernelWidth = 3, PadTop = 1, PadLeft = 2, PadBottom = 2, PadRight = 1, CountIncludePad = true, CeilMode = true, StrideHeight = 2 },
        ["global-7x5"] = PoolGeometry.Global(2, 7, 5, 9),
    };

    public static TheoryData<string, string, QuantElementType> Cases()
    {
        var data = new TheoryData<string, string, QuantElementType>();
        foreach (var device in TestAccelerators.All)
        {
            foreach (var name in s_cases.Keys)
            {
                data.Add(device, name, QuantElementType.Int8);
                data.Add(device, name, QuantElementType.UInt8);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void MaxPoolMatchesReference(string device, string caseName, QuantElementType type)
    {
        var g = s_cases[caseName];
        byte[] input = TestData.Bytes(new Random(11), g.InputElements);
        byte[] expected = PoolReference.MaxPool(g, type, input);
        var library = TestAccelerators.Library(device);
        using var inputBuffer = library.Accelerator.Allocate1D(input);
        using var outputBuffer = library.Accelerator.Allocate1D<byte>(g.OutputElements);
        library.MaxPool(g, type, inputBuffer.View, outputBuffer.View);
        library.Accelerator.Synchronize();
        Assert.Equal(expected, outputBuffer.GetAsArray1D());

        // Signedness matters: the other interpretation of the same bytes gives a different maximum.
        var other = type == QuantElementType.Int8 ? QuantElementType.UInt8 : QuantElementType.Int8;
        Assert.NotEqual(expected, PoolReference.MaxPool(g, other, input));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void AveragePoolMatchesReference(string device, string caseName, QuantElementType type)
    {
        var g = s_cases[caseName];
        byte[] input = TestData.Bytes(new Random(12), g.InputElements);
        var inputParams = new QuantParams(0.04f, type == QuantElementType.UInt8 ? 140 : -20, type);
        var outputParams = new QuantParams(0.015f, type == QuantElementType.UInt8 ? 120 : 9, type);
        byte[] expected = PoolReference.AveragePool(g, inputParams, outputParams, input);
        var library = TestAccelerators.Library(device);
        using var pool = library.Upload(PackedAveragePool.Create(g, inputParams, outputParams));
        using var inputBuffer = library.Accelerator.Allocate1D(input);
        using var outputBuffer = library.Accelerator.Allocate1D<byte>(g.OutputElements);
        library.AveragePool(pool, inputBuffer.View, outputBuffer.View);
        library.Accelerator.Synchronize();
        Assert.Equal(expected, outputBuffer.GetAsArray1D());

        // With small windows the scale ratio (0.04 / 0.015) pushes some averages past both ends of the range.
        var values = expected.Select(b => outputParams.Type.Decode(b)).ToArray();
        Assert.True(values.Distinct().Count() > Math.Min(20, values.Length / 3), "averages are not spread over the range");
        if (caseName is "3x3-s2-pad1" or "2x3-ceil-asympad-dilated")
        {
            Assert.Contains(type.MinValue(), values);
            Assert.Contains(type.MaxValue(), values);
        }
    }

    [Fact]
    public void AverageOfAConstantIsExact()
    {
        // Every window averages to the same real value: 3 * 0.04 / 0.015 = 8 steps above z_y; borders included.
        var g = s_cases["3x3-s2-pad1"];
        var p = new QuantParams(0.04f, 10, QuantElementType.Int8);
        var q = new QuantParams(0.015f, -5, QuantElementType.Int8);
        byte[] input = Enumerable.Repeat((byte)13, (int)g.InputElements).ToArray();
        Assert.All(PoolReference.AveragePool(g, p, q, input), b => Assert.Equal(3, (sbyte)b));
        var library = TestAccelerators.Library("cpu");
        using var pool = library.Upload(PackedAveragePool.Create(g, p, q));
        using var inputBuffer = library.Accelerator.Allocate1D(input);
        using var outputBuffer = library.Accelerator.Allocate1D<byte>(g.OutputElements);
        library.AveragePool(pool, inputBuffer.View, outputBuffer.View);
        library.Accelerator.Synchronize();
        Assert.All(outputBuffer.GetAsArray1D(), b => Assert.Equal(3, (sbyte)b));
    }

    [Fact]
    public void CeilModeDropsWindowsStartingInPadding()
    {
        var g = new PoolGeometry { Batch = 1, InHeight = 5, InWidth = 5, Channels = 1, KernelHeight = 2, KernelWidth = 2, StrideHeight = 2, StrideWidth = 2, PadBottom = 1, PadRight = 1, CeilMode = true };
        Assert.Equal(3, g.OutHeight);

        // A partial last window that starts inside the input is kept in ceil mode only.
        Assert.Equal(3, (g with { PadBottom = 0 }).OutHeight);
        Assert.Equal(2, (g with { PadBottom = 0, CeilMode = false }).OutHeight);

        // One that would start in the bottom padding (row 4 of 4) is dropped.
        Assert.Equal(2, (g with { InHeight = 4 }).OutHeight);
        Assert.Throws<ArgumentException>(() => (g with { PadTop = 2 }).Validate());
    }
}
