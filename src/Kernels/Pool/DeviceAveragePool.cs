// A packed average pooling's requantization table uploaded to one accelerator.
using ILGPU;
using ILGPU.Runtime;

namespace Onnxc.Kernels.Pool;

/// <summary>Device copy of a <see cref="PackedAveragePool"/>; create with <see cref="Int8KernelLibrary.Upload(PackedAveragePool)"/>.</summary>
public sealed class DeviceAveragePool : IDisposable
{
    private readonly MemoryBuffer1D<int, Stride1D.Dense> _multipliers;
    private readonly MemoryBuffer1D<int, Stride1D.Dense> _shifts;

    internal DeviceAveragePool(Accelerator accelerator, PackedAveragePool packed)
    {
        Packed = packed;
        Args = packed.KernelArgs();
        _multipliers = accelerator.Allocate1D(packed.Multipliers);
        _shifts = accelerator.Allocate1D(packed.Shifts);
    }

    public PackedAveragePool Packed { get; }

    internal PoolKernelArgs Args { get; }

    internal ArrayView<int> Multipliers => _multipliers.View;

    internal ArrayView<int> Shifts => _shifts.View;

    public void Dispose()
    {
        _multipliers.Dispose();
        _shifts.Dispose();
    }
}
