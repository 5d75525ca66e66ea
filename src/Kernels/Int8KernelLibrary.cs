// Host-side entry to the INT8 kernels: loads them on one accelerator and launches them on its stream.
using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.Cuda;
using Onnxc.Kernels.Conv;
using Onnxc.Kernels.Targets;

namespace Onnxc.Kernels;

/// <summary>
/// The INT8 kernels of onnxc on one ILGPU <see cref="Accelerator"/>. Buffers in, buffers out; parameters
/// are immutable records folded at compile time. Launches are asynchronous on the accelerator's default
/// stream; call <see cref="Accelerator.Synchronize"/> before reading results on the host.
/// Kernels are compiled on first use and cached (by ILGPU) per accelerator.
/// </summary>
public sealed partial class Int8KernelLibrary
{
    private readonly Accelerator _accelerator;
    private Action<KernelConfig, ArrayView<byte>, ArrayView<int>, ArrayView<int>, ArrayView<int>, ArrayView<int>, ArrayView<byte>, ConvKernelArgs>? _convPortable;
    private Action<KernelConfig, ArrayView<byte>, ArrayView<int>, ArrayView<int>, ArrayView<int>, ArrayView<int>, ArrayView<byte>, ConvKernelArgs>? _convDp4a;
    private Action<KernelConfig, ArrayView<byte>, ArrayView<int>, ArrayView<int>, ArrayView<int>, ArrayView<int>, ArrayView<byte>, ConvKernelArgs>? _convTensorCore;
    private Action<KernelConfig, ArrayView<byte>, ArrayView<int>, ArrayView<int>, ArrayView<int>, ArrayView<int>, ArrayView<byte>, ConvKernelArgs>? _convDirect;

    public Int8KernelLibrary(Accelerator accelerator)
    {
        ArgumentNullException.ThrowIfNull(accelerator);
        if (accelerator.MaxNumThreadsPerGroup < ConvKernels.GroupSize || accelerator.WarpSize != 32)
        {
            throw new ArgumentException(
                $"accelerator '{accelerator.Name}' has groups of at most {accelerator.MaxNumThreadsPerGroup} threads and " +
                $"warps of {accelerator.WarpSize}; the INT8 kernels need {ConvKernels.GroupSize} and 32 " +
                "(create CPU accelerators from Int8KernelLibrary.CpuDevice)");
        }

        _accelerator = accelerator;
    }

    /// <summary>
    /// The CPU device the kernels are meant to run on without a GPU: warps of 32 (as on CUDA, which the
    /// tensor-core emulation needs), 8 warps per group, one simulated multiprocessor.
    /// </summary>
    public static ILGPU.Runtime.CPU.CPUDevice CpuDevice { get; } = new(32, 8, 1);

    public Accelerator Accelerator => _accelerator;

    /// <summary>CUDA compute capability of the accelerator, or null when it is not a CUDA device.</summary>
    public CudaArchitecture? CudaArchitecture =>
        _accelerator is CudaAccelerator cuda ? cuda.Architecture : null;

    /// <summary>Whether <paramref name="algorithm"/> runs its hardware instruction here (false: emulated/portable).</summary>
    public bool RunsNatively(ConvAlgorithm algorithm) => algorithm switch
    {
        ConvAlgorithm.Dp4a => CudaArchitecture is { } arch && arch >= new CudaArchitecture(6, 1),
        ConvAlgorithm.TensorCore => CudaArchitecture is { } arch && arch >= new CudaArchitecture(8, 0),
        _ => true,
    };

    /// <summary>
    /// The algorithm <see cref="ConvAlgorithm.Auto"/> resolves to on this accelerator for a convolution that is
    /// not depthwise: the best tiled kernel on CUDA, the direct kernel elsewhere (see <see cref="DirectConvKernel"/>).
    /// </summary>
    public ConvAlgorithm SelectConvAlgorithm()
    {
        if (_accelerator.AcceleratorType != AcceleratorType.Cuda)
        {
            return ConvAlgorithm.Direct;
        }

        if (RunsNatively(ConvAlgorithm.TensorCore))
        {
            return ConvAlgorithm.TensorCore;
        }

        return RunsNatively(ConvAlgorithm.Dp4a) ? ConvAlgorithm.Dp4a : ConvAlgorithm.Portable;
    }

    /// <summary>
    /// The algorithm for a convolution on a described target (compile-time choice, no device needed): direct
    /// for depthwise convolutions and CPU targets, else the best inner product the target's features allow.
    /// </summary>
    public static ConvAlgorithm SelectConvAlgorithm(TargetDescription target, Conv2DGeometry geometry)
    {
        ArgumentNullException.ThrowIfNull(target);
        if (DirectConvKernel.IsDepthwise(geometry) || target.Kind != TargetKind.CudaGpu)
        {
            return ConvAlgorithm.Direct;
        }

        if (target.Has(TargetFeatures.Int8TensorCores))
        {
            return ConvAlgorithm.TensorCore;
        }

        return target.Has(TargetFeatures.Dp4a) ? ConvAlgorithm.Dp4a : ConvAlgorithm.Portable;
    }

    /// <summary>Copies a packed convolution's constants to the device.</summary>
    public DeviceConv Upload(PackedConv packed)
    {
        ArgumentNullException.ThrowIfNull(packed);
        return new DeviceConv(_accelerator, packed);
    }

    /// <summary>
    /// Quantized convolution (or Gemm as a 1 x 1 convolution): NHWC bytes in, NHWC bytes out.
    /// A hardware algorithm requested where the hardware lacks it throws; off CUDA the dp4a and tensor-core
    /// kernels run their portable/emulated code, which is how the CPU tests cover them.
    /// </summary>
    public void Conv2D(DeviceConv conv, ArrayView<byte> input, ArrayView<byte> output, ConvAlgorithm algorithm = ConvAlgorithm.Auto)
    {
        ArgumentNullException.ThrowIfNull(conv);
        var g = conv.Packed.Geometry;
        RequireLength(input.Length, g.InputElements, "convolution input");
        RequireLength(output.Length, g.OutputElements, "convolution output");
        if (algorithm == ConvAlgorithm.Auto)
        {
            algorithm = DirectConvKernel.IsDepthwise(g) ? ConvAlgorithm.Direct : SelectConvAlgorithm();
        }

        if (_accelerator.AcceleratorType == AcceleratorType.Cuda && !RunsNatively(algorithm))
        {
            throw new NotSupportedException($"{algorithm} needs a newer GPU than {CudaArchitecture}");
        }

        var a = conv.Args;
        var grid = new Index3D(
            (a.M + ConvTiles.TileM - 1) / ConvTiles.TileM,
            (a.CoutPerGroup + ConvTiles.TileN - 1) / ConvTiles.TileN,
            conv.Packed.Geometry.Groups);
        switch (algorithm)
        {
            case ConvAlgorithm.Direct:
                _convDirect ??= _accelerator.LoadStreamKernel<ArrayView<byte>, ArrayView<int>, ArrayView<int>, ArrayView<int>, ArrayView<int>, ArrayView<byte>, ConvKernelArgs>(
                    DirectConvKernel.DirectConv);
                _convDirect(GridStride.Config(_accelerator, g.OutputElements), input, conv.Weights, conv.Bias, conv.Multipliers, conv.Shifts, output, a);
                break;
            case ConvAlgorithm.TensorCore:
                _convTensorCore ??= _accelerator.LoadStreamKernel<ArrayView<byte>, ArrayView<int>, ArrayView<int>, ArrayView<int>, ArrayView<int>, ArrayView<byte>, ConvKernelArgs>(
                    TensorCoreConvKernel.TensorCoreConv);
                _convTensorCore(new KernelConfig(grid, new Index3D(TensorCoreConvKernel.GroupSize, 1, 1)),
                    input, conv.Weights, conv.Bias, conv.Multipliers, conv.Shifts, output, a);
                break;
            case ConvAlgorithm.Dp4a:
                _convDp4a ??= _accelerator.LoadStreamKernel<ArrayView<byte>, ArrayView<int>, ArrayView<int>, ArrayView<int>, ArrayView<int>, ArrayView<byte>, ConvKernelArgs>(
                    ConvKernels.TiledConv<Dp4aDot4>);
                _convDp4a(new KernelConfig(grid, new Index3D(ConvKernels.GroupSize, 1, 1)),
                    input, conv.Weights, conv.Bias, conv.Multipliers, conv.Shifts, output, a);
                break;
            default:
                _convPortable ??= _accelerator.LoadStreamKernel<ArrayView<byte>, ArrayView<int>, ArrayView<int>, ArrayView<int>, ArrayView<int>, ArrayView<byte>, ConvKernelArgs>(
                    ConvKernels.TiledConv<PortableDot4>);
                _convPortable(new KernelConfig(grid, new Index3D(ConvKernels.GroupSize, 1, 1)),
                    input, conv.Weights, conv.Bias, conv.Multipliers, conv.Shifts, output, a);
                break;
        }
    }

    private static void RequireLength(long actual, long expected, string what)
    {
        if (actual != expected)
        {
            throw new ArgumentException($"{what} has {actual} elements, expected {expected}");
        }
    }
}
