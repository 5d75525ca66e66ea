// Creates the ILGPU context and the accelerator a target description runs on.
using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;
using ILGPU.Runtime.Cuda;
using Onnxc.Kernels.Targets;

namespace Onnxc.Kernels;

/// <summary>
/// The one place that turns a <see cref="TargetDescription"/> into an ILGPU accelerator: the CPU device the
/// kernels expect (<see cref="Int8KernelLibrary.CpuDevice"/>) and every CUDA device the driver reports.
/// </summary>
public static class KernelDevices
{
    /// <summary>A context with the kernels' CPU device and all CUDA devices (none without a driver).</summary>
    public static Context CreateContext() =>
        Context.Create(builder => builder.CPU(Int8KernelLibrary.CpuDevice).Cuda().Optimize(OptimizationLevel.O1));

    /// <summary>
    /// An accelerator for <paramref name="target"/>: the CPU device for <c>cpu</c>; for a CUDA target the first
    /// CUDA device whose compute capability is at least the target's major version (same architecture
    /// family, so the same kernel paths apply). Throws with the devices found when there is none.
    /// </summary>
    public static Accelerator CreateAccelerator(Context context, TargetDescription target)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(target);
        if (target.Kind == TargetKind.Cpu)
        {
            return context.GetCPUDevice(0).CreateAccelerator(context);
        }

        var names = new List<string>();
        foreach (CudaDevice device in context.GetCudaDevices())
        {
            if (device.Architecture is { } arch && arch.Major >= target.ComputeCapabilityMajor)
            {
                return device.CreateAccelerator(context);
            }

            names.Add($"{device.Name} ({device.Architecture})");
        }

        string found = names.Count == 0 ? "no CUDA device (is the NVIDIA driver installed?)" : string.Join(", ", names);
        throw new InvalidOperationException(
            $"target '{target.Name}' needs a CUDA GPU of compute capability {target.ComputeCapability} or a later " +
            $"sm_{target.ComputeCapabilityMajor}x; found {found}. Use --target cpu to run on the CPU.");
    }
}
