// Scale, zero point and element type of a per-tensor quantized activation.
namespace Onnxc.Kernels.Quantization;

/// <summary>
/// Per-tensor affine quantization: <c>real = Scale * (q - ZeroPoint)</c>, q stored as <see cref="Type"/>.
/// </summary>
public sealed record QuantParams
{
    public QuantParams(float scale, int zeroPoint, QuantElementType type)
    {
        if (!(scale > 0) || !float.IsFinite(scale))
        {
            throw new ArgumentOutOfRangeException(nameof(scale), scale, "a quantization scale must be finite and > 0");
        }

        if (zeroPoint < type.MinValue() || zeroPoint > type.MaxValue())
        {
            throw new ArgumentOutOfRangeException(
                nameof(zeroPoint), zeroPoint, $"zero point outside the range of {type}");
        }

        Scale = scale;
        ZeroPoint = zeroPoint;
        Type = type;
    }

    public float Scale { get; }

    public int ZeroPoint { get; }

    public QuantElementType Type { get; }

    /// <summary>The zero point in the kernels' signed domain (see <see cref="QuantElementType"/>).</summary>
    public int SignedZeroPoint => Type.ToSignedDomain(ZeroPoint);

    /// <summary>
    /// ONNX QuantizeLinear of one value: <c>saturate(round_half_even(x / Scale) + ZeroPoint)</c>, with the
    /// division in float32 as ONNX Runtime does it.
    /// </summary>
    public int Quantize(float x)
    {
        float q = MathF.Round(x / Scale, MidpointRounding.ToEven);
        float v = q + ZeroPoint;
        return (int)Math.Clamp(v, Type.MinValue(), Type.MaxValue());
    }
}
