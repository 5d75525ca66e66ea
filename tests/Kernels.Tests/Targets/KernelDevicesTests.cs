// Targets map to accelerators: the CPU always, the GPU target only where a suitable CUDA device exists.
using ILGPU.Runtime;
using ILGPU.Runtime.Cuda;
using Onnxc.Kernels.Targets;

namespace Onnxc.Kernels.Tests.Targets;

public class KernelDevicesTests
{
    [Fact]
    public void CpuTargetGetsTheKernelsCpuDevice()
    {
        using var context = KernelDevices.CreateContext();
        using var accelerator = KernelDevices.CreateAccelerator(context, TargetRegistry.Cpu);
        Assert.Equal(AcceleratorType.CPU, accelerator.AcceleratorType);
        Assert.Equal(32, accelerator.WarpSize);
        Assert.Equal(256, accelerator.MaxNumThreadsPerGroup);
        _ = new Int8KernelLibrary(accelerator);
    }

    [Fact]
    public void GpuTargetNeedsAnAmpereClassDevice()
    {
        using var context = KernelDevices.CreateContext();
        bool hasAmpere = false;
        foreach (CudaDevice device in context.GetCudaDevices())
        {
            hasAmpere |= device.Architecture is { Major: >= 8 };
        }

        if (hasAmpere)
        {
            using var accelerator = KernelDevices.CreateAccelerator(context, TargetRegistry.Rtx2050);
            Assert.Equal(AcceleratorType.Cuda, accelerator.AcceleratorType);
            Assert.Equal(Onnxc.Kernels.Conv.ConvAlgorithm.TensorCore, new Int8KernelLibrary(accelerator).SelectConvAlgorithm());
        }
        else
        {
            var error = Assert.Throws<InvalidOperationException>(() => KernelDevices.CreateAccelerator(context, TargetRegistry.Rtx2050));
            Assert.Contains("--target cpu", error.Message, StringComparison.Ordinal);
        }
    }
}
