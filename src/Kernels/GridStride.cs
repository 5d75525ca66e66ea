// Launch shapes of the grid-stride kernels: enough groups to cover the work on a GPU, one thread per core on the CPU.
using ILGPU;
using ILGPU.Runtime;

namespace Onnxc.Kernels;

/// <summary>
/// Every kernel without shared memory loops <c>for (i = Start; i &lt; count; i += Stride)</c>, so one
/// compiled kernel serves any launch shape. On CUDA the launch covers the work with groups of
/// <see cref="GpuGroupSize"/> (one element per thread, as a flat index would). ILGPU's CPU accelerator runs
/// each thread of a group on its own OS thread and pays a group-wide handshake per group index, which
/// costs microseconds per element when every element is a group; there the launch is a single group with one
/// thread per core, and each thread walks its share of the elements in a plain loop.
/// </summary>
public static class GridStride
{
    public const int GpuGroupSize = 256;

    /// <summary>Groups beyond this make no GPU faster; the loop covers the rest.</summary>
    private const int MaxGpuGroups = 1 << 16;

    /// <summary>First element of the calling thread (device side).</summary>
    public static int Start => Grid.GlobalIndex.X;

    /// <summary>
    /// Threads in the launch, the loop's step (device side). Read it once before the loop: on the CPU accelerator
    /// the grid and group sizes live in thread-local state.
    /// </summary>
    public static int Stride => Grid.DimX * Group.DimX;

    /// <summary>The launch shape for <paramref name="work"/> loop iterations on <paramref name="accelerator"/>.</summary>
    public static KernelConfig Config(Accelerator accelerator, long work)
    {
        ArgumentNullException.ThrowIfNull(accelerator);
        if (accelerator.AcceleratorType == AcceleratorType.CPU)
        {
            return new KernelConfig(1, Math.Clamp(Environment.ProcessorCount, 1, accelerator.MaxNumThreadsPerGroup));
        }

        int group = Math.Min(GpuGroupSize, accelerator.MaxNumThreadsPerGroup);
        long groups = Math.Clamp((work + group - 1) / group, 1, MaxGpuGroups);
        return new KernelConfig((int)groups, group);
    }
}
