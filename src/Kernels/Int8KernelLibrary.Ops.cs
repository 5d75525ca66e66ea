// Host launchers of the pooling, elementwise and Q/DQ kernels.
using ILGPU;
using ILGPU.Runtime;
using Onnxc.Kernels.Elementwise;
using Onnxc.Kernels.Pool;
using Onnxc.Kernels.Qdq;
using Onnxc.Kernels.Quantization;

namespace Onnxc.Kernels;

public sealed partial class Int8KernelLibrary
{
    private Action<KernelConfig, ArrayView<byte>, ArrayView<byte>, PoolKernelArgs>? _maxPool;
    private Action<KernelConfig, ArrayView<byte>, ArrayView<byte>, ArrayView<int>, ArrayView<int>, PoolKernelArgs>? _averagePool;
    private Action<KernelConfig, ArrayView<byte>, ArrayView<byte>, ArrayView<byte>, AddRequantization>? _add;
    private Action<KernelConfig, ArrayView<byte>, ArrayView<byte>, ConcatSlice>? _concatInto;
    private Action<KernelConfig, ArrayView<float>, ArrayView<byte>, ArrayView<float>, ArrayView<int>, QdqArgs>? _quantize;
    private Action<KernelConfig, ArrayView<byte>, ArrayView<float>, ArrayView<float>, ArrayView<int>, QdqArgs>? _dequantize;

    public DeviceAveragePool Upload(PackedAveragePool packed)
    {
        ArgumentNullException.ThrowIfNull(packed);
        return new DeviceAveragePool(_accelerator, packed);
    }

    public DeviceQdq Upload(QdqParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        return new DeviceQdq(_accelerator, parameters);
    }

    /// <summary>MaxPool on NHWC bytes of either 8-bit type; scale and zero point pass through unchanged.</summary>
    public void MaxPool(PoolGeometry geometry, QuantElementType type, ArrayView<byte> input, ArrayView<byte> output)
    {
        ArgumentNullException.ThrowIfNull(geometry);
        geometry.Validate();
        RequireLength(input.Length, geometry.InputElements, "MaxPool input");
        RequireLength(output.Length, geometry.OutputElements, "MaxPool output");
        var args = PoolKernelArgs.From(geometry);
        args.InputFlip = type.SignFlip();
        _maxPool ??= _accelerator.LoadStreamKernel<ArrayView<byte>, ArrayView<byte>, PoolKernelArgs>(PoolKernels.MaxPool);
        _maxPool(GridStride.Config(_accelerator, geometry.OutputElements), input, output, args);
    }

    /// <summary>AveragePool or GlobalAveragePool (<see cref="PoolGeometry.Global"/>) on NHWC bytes.</summary>
    public void AveragePool(DeviceAveragePool pool, ArrayView<byte> input, ArrayView<byte> output)
    {
        ArgumentNullException.ThrowIfNull(pool);
        var g = pool.Packed.Geometry;
        RequireLength(input.Length, g.InputElements, "AveragePool input");
        RequireLength(output.Length, g.OutputElements, "AveragePool output");
        _averagePool ??= _accelerator.LoadStreamKernel<ArrayView<byte>, ArrayView<byte>, ArrayView<int>, ArrayView<int>, PoolKernelArgs>(
            PoolKernels.AveragePool);
        _averagePool(GridStride.Config(_accelerator, g.OutputElements), input, output, pool.Multipliers, pool.Shifts, pool.Args);
    }

    /// <summary>Same-shape quantized Add (residual connections), with optional fused Relu/Clip in <paramref name="requantization"/>.</summary>
    public void Add(AddRequantization requantization, ArrayView<byte> a, ArrayView<byte> b, ArrayView<byte> output)
    {
        RequireLength(b.Length, a.Length, "Add second input (broadcasting is not supported)");
        RequireLength(output.Length, a.Length, "Add output");
        if (a.Length > int.MaxValue)
        {
            throw new ArgumentException("Add input larger than 2^31 elements");
        }

        _add ??= _accelerator.LoadStreamKernel<ArrayView<byte>, ArrayView<byte>, ArrayView<byte>, AddRequantization>(
            ElementwiseKernels.Add);
        _add(GridStride.Config(_accelerator, a.Length), a, b, output, requantization);
    }

    /// <summary>Concat: one launch per input, each writing (and requantizing) its slice of the output.</summary>
    public void Concat(IReadOnlyList<ConcatSlice> slices, IReadOnlyList<ArrayView<byte>> inputs, ArrayView<byte> output)
    {
        ArgumentNullException.ThrowIfNull(slices);
        ArgumentNullException.ThrowIfNull(inputs);
        if (slices.Count != inputs.Count || slices.Count == 0)
        {
            throw new ArgumentException($"Concat got {inputs.Count} inputs for {slices.Count} slices");
        }

        RequireLength(output.Length, (long)slices[0].Outer * slices[0].OutputRowLength, "Concat output");
        _concatInto ??= _accelerator.LoadStreamKernel<ArrayView<byte>, ArrayView<byte>, ConcatSlice>(
            ElementwiseKernels.ConcatInto);
        for (int i = 0; i < slices.Count; i++)
        {
            RequireLength(inputs[i].Length, slices[i].InputElements, $"Concat input {i}");
            _concatInto(GridStride.Config(_accelerator, slices[i].InputElements), inputs[i], output, slices[i]);
        }
    }

    /// <summary>QuantizeLinear: float32 in, int8/uint8 bytes out (same layout).</summary>
    public void QuantizeLinear(DeviceQdq parameters, ArrayView<float> input, ArrayView<byte> output)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        RequireLength(output.Length, input.Length, "QuantizeLinear output");
        _quantize ??= _accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<byte>, ArrayView<float>, ArrayView<int>, QdqArgs>(
            QdqKernels.Quantize);
        _quantize(GridStride.Config(_accelerator, input.Length), input, output, parameters.Scales, parameters.ZeroPoints, parameters.Parameters.Args);
    }

    /// <summary>DequantizeLinear: int8/uint8 bytes in, float32 out (same layout).</summary>
    public void DequantizeLinear(DeviceQdq parameters, ArrayView<byte> input, ArrayView<float> output)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        RequireLength(output.Length, input.Length, "DequantizeLinear output");
        _dequantize ??= _accelerator.LoadStreamKernel<ArrayView<byte>, ArrayView<float>, ArrayView<float>, ArrayView<int>, QdqArgs>(
            QdqKernels.Dequantize);
        _dequantize(GridStride.Config(_accelerator, input.Length), input, output, parameters.Scales, parameters.ZeroPoints, parameters.Parameters.Args);
    }
}
