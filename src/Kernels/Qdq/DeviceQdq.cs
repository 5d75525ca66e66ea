// Q/DQ parameters uploaded to one accelerator.
using ILGPU;
using ILGPU.Runtime;

namespace Onnxc.Kernels.Qdq;

/// <summary>Device copy of <see cref="QdqParameters"/>; create with <see cref="Int8KernelLibrary.Upload(QdqParameters)"/>.</summary>
public sealed class DeviceQdq : IDisposable
{
    private readonly MemoryBuffer1D<float, Stride1D.Dense> _scales;
    private readonly MemoryBuffer1D<int, Stride1D.Dense> _zeroPoints;

    internal DeviceQdq(Accelerator accelerator, QdqParameters parameters)
    {
        Parameters = parameters;
        _scales = accelerator.Allocate1D(parameters.Scales);
        _zeroPoints = accelerator.Allocate1D(parameters.ZeroPoints);
    }

    public QdqParameters Parameters { get; }

    internal ArrayView<float> Scales => _scales.View;

    internal ArrayView<int> ZeroPoints => _zeroPoints.View;

    public void Dispose()
    {
        _scales.Dispose();
        _zeroPoints.Dispose();
    }
}
