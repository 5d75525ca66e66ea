// A packed convolution uploaded to one accelerator.
using ILGPU;
using ILGPU.Runtime;

namespace Onnxc.Kernels.Conv;

/// <summary>Device buffers of a <see cref="PackedConv"/>; create with <see cref="Int8KernelLibrary.Upload"/>.</summary>
public sealed class DeviceConv : IDisposable
{
    private readonly MemoryBuffer1D<int, Stride1D.Dense> _weights;
    private readonly MemoryBuffer1D<int, Stride1D.Dense> _bias;
    private readonly MemoryBuffer1D<int, Stride1D.Dense> _multipliers;
    private readonly MemoryBuffer1D<int, Stride1D.Dense> _shifts;

    internal DeviceConv(Accelerator accelerator, PackedConv packed)
    {
        Packed = packed;
        Args = packed.KernelArgs();
        _weights = accelerator.Allocate1D(packed.Weights);
        _bias = accelerator.Allocate1D(packed.Bias);
        _multipliers = accelerator.Allocate1D(packed.Multipliers);
        _shifts = accelerator.Allocate1D(packed.Shifts);
    }

    public PackedConv Packed { get; }

    internal ConvKernelArgs Args { get; }

    internal ArrayView<int> Weights => _weights.View;

    internal ArrayView<int> Bias => _bias.View;

    internal ArrayView<int> Multipliers => _multipliers.View;

    internal ArrayView<int> Shifts => _shifts.View;

    public void Dispose()
    {
        _weights.Dispose();
        _bias.Dispose();
        _multipliers.Dispose();
        _shifts.Dispose();
    }
}
