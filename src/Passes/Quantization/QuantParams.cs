// Quantization parameters of one tensor: element type, scale(s), zero point(s) and the per-channel axis.
using System.Collections.Immutable;

namespace Onnxc.Passes.Quantization;

/// <summary>
/// real = (q − ZeroPoint) · Scale. Per-tensor when <see cref="Axis"/> is null (one scale and zero point), else one
/// per index along <see cref="Axis"/>. <see cref="ElementType"/> is INT8, UINT8 or INT32 (biases).
/// </summary>
public sealed record QuantParams(GraphIR.ElementType ElementType, ImmutableArray<float> Scales, ImmutableArray<int> ZeroPoints, int? Axis = null)
{
    public float Scale => Scales[0];

    public int ZeroPoint => ZeroPoints[0];

    public bool IsPerChannel => Axis is not null;

    public static QuantParams PerTensor(GraphIR.ElementType type, float scale, int zeroPoint) => new(type, [scale], [zeroPoint]);

    /// <summary>Same parameters (used to decide whether a Q after a DQ is a no-op).</summary>
    public bool SameAs(QuantParams other) =>
        ElementType == other.ElementType && Axis == other.Axis && Scales.SequenceEqual(other.Scales) && ZeroPoints.SequenceEqual(other.ZeroPoints);

    public override string ToString() =>
        IsPerChannel
            ? $"{GraphIR.ElementTypes.OnnxName(ElementType)} axis {Axis} ({Scales.Length} scales)"
            : $"{GraphIR.ElementTypes.OnnxName(ElementType)} scale {Scale:G6} zp {ZeroPoint}";
}
