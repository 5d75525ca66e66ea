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
}
