// The target list: names, the rtx2050 figures the issue fixes, lookup errors.
using Onnxc.Kernels.Targets;

namespace Onnxc.Kernels.Tests.Targets;

public class TargetRegistryTests
{
    [Fact]
    public void ListsRtx2050AndCpu() =>
        Assert.Equal(["rtx2050", "cpu"], TargetRegistry.All.Select(t => t.Name));

    [Fact]
    public void Rtx2050IsAmpereSm86WithInt8Paths()
    {
        var t = TargetRegistry.Get("RTX2050");
        Assert.Equal(TargetKind.CudaGpu, t.Kind);
        Assert.Equal("sm_86", t.ComputeCapability);
        Assert.Equal(16, t.MultiprocessorCount);
        Assert.Equal(4L << 30, t.MemoryBytes);
        Assert.Equal(112, t.MemoryBandwidthGBps);
        Assert.Equal(48, t.DenseInt8Tops);
        Assert.Equal(6, t.Fp32Tflops);
        Assert.Equal(100 * 1024, t.SharedMemoryPerMultiprocessorBytes);
        Assert.Equal(99 * 1024, t.SharedMemoryPerBlockBytes);
        Assert.Equal(65536, t.RegistersPerMultiprocessor);
        Assert.Equal(255, t.MaxRegistersPerThread);
        Assert.Equal(1536, t.MaxThreadsPerMultiprocessor);
        Assert.True(t.Has(TargetFeatures.Dp4a | TargetFeatures.Int8TensorCores));
        Assert.Contains("sm_86", t.Describe(), StringComparison.Ordinal);
    }

    [Fact]
    public void CpuHasNoHardwarePaths()
    {
        var t = TargetRegistry.Get("cpu");
        Assert.Equal(TargetKind.Cpu, t.Kind);
        Assert.False(t.Has(TargetFeatures.Dp4a));
        Assert.Equal(string.Empty, t.ComputeCapability);
    }

    [Fact]
    public void UnknownTargetNamesTheKnownOnes()
    {
        Assert.Null(TargetRegistry.Find("rtx9090"));
        var error = Assert.Throws<ArgumentException>(() => TargetRegistry.Get("rtx9090"));
        Assert.Contains("rtx2050, cpu", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void KernelsFitTheTargetLimits()
    {
        // Two shared tiles of 32 x 12 words per group, 256 threads: within every target's limits.
        foreach (var t in TargetRegistry.All)
        {
            Assert.True(2 * Onnxc.Kernels.Conv.ConvTiles.SharedWords * sizeof(int) <= t.SharedMemoryPerBlockBytes);
            Assert.True(Onnxc.Kernels.Conv.ConvKernels.GroupSize <= t.MaxThreadsPerGroup);
        }
    }
}
