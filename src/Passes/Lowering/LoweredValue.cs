// What an ONNX value of the graph became during lowering.
using Onnxc.GraphIR;
using Onnxc.Kernels.Runtime;

namespace Onnxc.Passes.Lowering;

/// <summary>The lowering's view of one graph value.</summary>
internal abstract record LoweredValue;

/// <summary>A float32 tensor in the plan.</summary>
internal sealed record FloatValue(PlanTensor Tensor) : LoweredValue;

/// <summary>An 8-bit tensor in the plan (the output of a QuantizeLinear or of an INT8 island).</summary>
internal sealed record BytesValue(PlanTensor Tensor) : LoweredValue;

/// <summary>The float output of a DequantizeLinear of an 8-bit plan tensor: INT8 kernels read the bytes.</summary>
internal sealed record DequantizedValue(PlanTensor Bytes) : LoweredValue;

/// <summary>A compile-time constant (initializer, Constant node or folded shape arithmetic).</summary>
internal sealed record ConstantValue(TensorData Data) : LoweredValue;

/// <summary>A DequantizeLinear of a constant: quantized weights or bias, read by an INT8 kernel's packer.</summary>
internal sealed record DequantizedConstant(TensorData Data, float[] Scales, long[] ZeroPoints, int Axis) : LoweredValue
{
    /// <summary>The real values, for float fallback kernels.</summary>
    public float[] ToFloats()
    {
        var q = Data.ToDoubles();
        var result = new float[q.Length];
        long inner = 1;
        for (int d = Axis + 1; d < Data.Dims.Length; d++)
        {
            inner *= Data.Dims[d];
        }

        for (long i = 0; i < q.Length; i++)
        {
            long c = Scales.Length == 1 ? 0 : (i / inner) % Scales.Length;
            result[i] = (float)((q[i] - ZeroPoints[c]) * Scales[c]);
        }

        return result;
    }
}
