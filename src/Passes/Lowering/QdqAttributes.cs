// Reads the scale, zero point and axis of a QuantizeLinear/DequantizeLinear node from its constant inputs.
using Onnxc.GraphIR;
using Onnxc.Kernels.Quantization;

namespace Onnxc.Passes.Lowering;

/// <summary>Quantization parameters of a Q/DQ node; per-tensor when <see cref="Scales"/> has one entry.</summary>
internal sealed record QdqAttributes(float[] Scales, long[] ZeroPoints, ElementType Type, int Axis)
{
    public bool IsPerTensor => Scales.Length == 1;

    /// <summary>Parameters of <paramref name="node"/> (inputs 1 and 2), or a reason they cannot be used.</summary>
    public static QdqAttributes Read(Node node, Func<Value, TensorData?> constant, int dataRank)
    {
        var scaleValue = node.Input(1) ?? throw Unsupported(node, "has no scale input");
        var scale = constant(scaleValue) ?? throw Unsupported(node, "has a scale that is not a constant");
        if (scale.ElementType != ElementType.Float)
        {
            throw Unsupported(node, $"has a {scale.ElementType.OnnxName()} scale (only float is supported)");
        }

        float[] scales = scale.ToFloats();
        ElementType type;
        long[] zeroPoints;
        if (node.Input(2) is { } zpValue)
        {
            var zp = constant(zpValue) ?? throw Unsupported(node, "has a zero point that is not a constant");
            type = zp.ElementType;
            zeroPoints = zp.ToInt64s();
        }
        else
        {
            type = node.OpType == "QuantizeLinear" ? ElementType.UInt8 : node.Input(0)?.ElementType ?? ElementType.UInt8;
            zeroPoints = new long[scales.Length];
        }

        if (zeroPoints.Length != scales.Length)
        {
            throw Unsupported(node, $"has {scales.Length} scales and {zeroPoints.Length} zero points");
        }

        int axis = (int)node.GetInt("axis", 1);
        if (axis < 0)
        {
            axis += dataRank;
        }

        if (scales.Length == 1)
        {
            axis = 0;
        }

        return new QdqAttributes(scales, zeroPoints, type, axis);
    }

    /// <summary>Per-tensor activation parameters in the kernels' form.</summary>
    public QuantParams ToQuantParams(Node node)
    {
        if (!IsPerTensor)
        {
            throw Unsupported(node, "quantizes an activation per axis (only per-tensor activations are supported)");
        }

        QuantElementType t = Type switch
        {
            ElementType.Int8 => QuantElementType.Int8,
            ElementType.UInt8 => QuantElementType.UInt8,
            _ => throw Unsupported(node, $"quantizes to {Type.OnnxName()} (only int8 and uint8 are supported)"),
        };
        return new QuantParams(Scales[0], (int)ZeroPoints[0], t);
    }

    private static NotSupportedException Unsupported(Node node, string what) =>
        new($"cannot lower {node.Describe()}: it {what}");
}
