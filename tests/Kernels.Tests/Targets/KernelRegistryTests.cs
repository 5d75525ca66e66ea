// The kernel table: every op of issue 5 has a key for both 8-bit types, conv/gemm have all four paths.
using Onnxc.Kernels.Registry;

namespace Onnxc.Kernels.Tests.Targets;

public class KernelRegistryTests
{
    [Theory]
    [InlineData(KernelOp.Conv)]
    [InlineData(KernelOp.Gemm)]
    public void ConvAndGemmHaveEveryPathForEveryTypePair(KernelOp op)
    {
        foreach (var input in new[] { ElementType.Int8, ElementType.UInt8 })
        {
            foreach (var output in new[] { ElementType.Int8, ElementType.UInt8 })
            {
                var paths = KernelRegistry.Find(new KernelKey(op, input, output)).Select(e => e.Path).ToHashSet();
                Assert.Equal([KernelPath.Portable, KernelPath.Direct, KernelPath.Dp4a, KernelPath.TensorCore], paths.Order());
            }
        }
    }

    [Fact]
    public void CoversTheOpsOfTheIssue()
    {
        foreach (var type in new[] { ElementType.Int8, ElementType.UInt8 })
        {
            Assert.True(KernelRegistry.Supports(new(KernelOp.MaxPool, type, type)));
            Assert.True(KernelRegistry.Supports(new(KernelOp.AveragePool, type, type)));
            Assert.True(KernelRegistry.Supports(new(KernelOp.GlobalAveragePool, type, type)));
            Assert.True(KernelRegistry.Supports(new(KernelOp.Add, type, type)));
            Assert.True(KernelRegistry.Supports(new(KernelOp.Concat, type, type)));
            Assert.True(KernelRegistry.Supports(new(KernelOp.QuantizeLinear, ElementType.Float32, type)));
            Assert.True(KernelRegistry.Supports(new(KernelOp.DequantizeLinear, type, ElementType.Float32)));
        }

        Assert.False(KernelRegistry.Supports(new(KernelOp.MaxPool, ElementType.Int8, ElementType.UInt8)));
        Assert.False(KernelRegistry.Supports(new(KernelOp.Conv, ElementType.Float32, ElementType.Int8)));
    }

    [Fact]
    public void ASmallerSetLeavesOutExactlyWhatItWasAskedTo()
    {
        var full = KernelRegistry.Default;
        var noPools = full.Without(KernelOp.MaxPool, KernelOp.AveragePool);
        var uuConv = new KernelKey(KernelOp.Conv, ElementType.UInt8, ElementType.UInt8);
        var noUuConv = full.Without(uuConv);

        Assert.False(noPools.Implements(KernelOp.MaxPool));
        Assert.False(noPools.Implements(KernelOp.AveragePool));
        Assert.True(noPools.Implements(KernelOp.GlobalAveragePool));
        Assert.Equal(full.Entries.Count(e => e.Key.Op is not (KernelOp.MaxPool or KernelOp.AveragePool)), noPools.Entries.Count);
        Assert.False(noUuConv.Supports(uuConv));
        Assert.True(noUuConv.Supports(uuConv with { Output = ElementType.Int8 }));
        Assert.Equal(full.Entries.Count - full.Find(uuConv).Count, noUuConv.Entries.Count);
        Assert.Equal(4, full.Find(uuConv).Count);
        Assert.True(full.Supports(uuConv));
    }
}
