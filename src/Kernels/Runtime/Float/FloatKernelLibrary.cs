// Host launchers of the float fallback kernels on one accelerator.
using ILGPU;
using ILGPU.Runtime;

namespace Onnxc.Kernels.Runtime.Float;

/// <summary>
/// Loads (on first use) and launches <see cref="FloatKernels"/> on the accelerator's default stream.
/// Like <see cref="Int8KernelLibrary"/>, launches are asynchronous.
/// </summary>
public sealed class FloatKernelLibrary
{
    private readonly Accelerator _accelerator;
    private Action<KernelConfig, ArrayView<byte>, ArrayView<byte>, StridedCopyArgs, byte>? _copyBytes;
    private Action<KernelConfig, ArrayView<float>, ArrayView<float>, StridedCopyArgs, float>? _copyFloats;
    private Action<KernelConfig, ArrayView<float>, ArrayView<float>, ElementwiseArgs>? _unary;
    private Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, ElementwiseArgs>? _binary;
    private Action<KernelConfig, ArrayView<float>, ArrayView<float>, SoftmaxArgs>? _softmax;
    private Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, GemmArgs>? _gemm;
    private Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, FloatConvArgs>? _conv;
    private Action<KernelConfig, ArrayView<float>, ArrayView<float>, FloatPoolArgs>? _pool;

    public FloatKernelLibrary(Accelerator accelerator)
    {
        ArgumentNullException.ThrowIfNull(accelerator);
        _accelerator = accelerator;
    }

    public Accelerator Accelerator => _accelerator;

    public void StridedCopy(ArrayView<byte> input, ArrayView<byte> output, StridedCopyArgs args, byte padValue)
    {
        _copyBytes ??= _accelerator.LoadStreamKernel<ArrayView<byte>, ArrayView<byte>, StridedCopyArgs, byte>(FloatKernels.StridedCopy);
        if (args.Count > 0)
        {
            _copyBytes(GridStride.Config(_accelerator, args.Count), input, output, args, padValue);
        }
    }

    public void StridedCopy(ArrayView<float> input, ArrayView<float> output, StridedCopyArgs args, float padValue)
    {
        _copyFloats ??= _accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<float>, StridedCopyArgs, float>(FloatKernels.StridedCopy);
        if (args.Count > 0)
        {
            _copyFloats(GridStride.Config(_accelerator, args.Count), input, output, args, padValue);
        }
    }

    public void Unary(ArrayView<float> input, ArrayView<float> output, ElementwiseArgs args)
    {
        _unary ??= _accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ElementwiseArgs>(FloatKernels.Unary);
        _unary(GridStride.Config(_accelerator, output.Length), input, output, args);
    }

    public void Binary(ArrayView<float> left, ArrayView<float> right, ArrayView<float> output, ElementwiseArgs args)
    {
        _binary ??= _accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, ElementwiseArgs>(FloatKernels.Binary);
        _binary(GridStride.Config(_accelerator, output.Length), left, right, output, args);
    }

    public void Softmax(ArrayView<float> input, ArrayView<float> output, SoftmaxArgs args)
    {
        _softmax ??= _accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<float>, SoftmaxArgs>(FloatKernels.Softmax);
        _softmax(GridStride.Config(_accelerator, (long)args.Outer * args.Inner), input, output, args);
    }

    public void Gemm(ArrayView<float> x, ArrayView<float> w, ArrayView<float> bias, ArrayView<float> output, GemmArgs args)
    {
        _gemm ??= _accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, GemmArgs>(FloatKernels.Gemm);
        _gemm(GridStride.Config(_accelerator, (long)args.M * args.N), x, w, bias, output, args);
    }

    public void Conv(ArrayView<float> input, ArrayView<float> weights, ArrayView<float> bias, ArrayView<float> output, FloatConvArgs args)
    {
        _conv ??= _accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, FloatConvArgs>(FloatKernels.Conv);
        _conv(GridStride.Config(_accelerator, output.Length), input, weights, bias, output, args);
    }

    public void Pool(ArrayView<float> input, ArrayView<float> output, FloatPoolArgs args)
    {
        _pool ??= _accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<float>, FloatPoolArgs>(FloatKernels.Pool);
        _pool(GridStride.Config(_accelerator, output.Length), input, output, args);
    }
}
