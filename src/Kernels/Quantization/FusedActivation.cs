// A Relu or Clip fused into a kernel's epilogue, folded into the output clamp bounds.
namespace Onnxc.Kernels.Quantization;

/// <summary>
/// An activation fused after a quantized op. Quantization is monotonic, so
/// <c>Q(clip(v, a, b)) == clamp(Q(v), Q(a), Q(b))</c> and <c>Q(relu(v)) == max(Q(v), z_y)</c>: the
/// activation costs nothing beyond narrower clamp bounds.
/// </summary>
public sealed record FusedActivation
{
    private FusedActivation(FusedActivationKind kind, float min, float max)
    {
        Kind = kind;
        Min = min;
        Max = max;
    }

    public static FusedActivation None { get; } = new(FusedActivationKind.None, float.NegativeInfinity, float.PositiveInfinity);

    public static FusedActivation Relu { get; } = new(FusedActivationKind.Relu, 0, float.PositiveInfinity);

    /// <summary>ONNX Clip with real bounds (Relu6 is <c>Clip(0, 6)</c>).</summary>
    public static FusedActivation Clip(float min, float max)
    {
        if (float.IsNaN(min) || float.IsNaN(max) || min > max)
        {
            throw new ArgumentException($"Clip bounds must satisfy min <= max, got [{min}, {max}]");
        }

        return new FusedActivation(FusedActivationKind.Clip, min, max);
    }

    public FusedActivationKind Kind { get; }

    public float Min { get; }

    public float Max { get; }

    /// <summary>The inclusive quantized bounds [lo, hi] of the output after this activation.</summary>
    public (int Lo, int Hi) QuantizedBounds(QuantParams output)
    {
        int lo = output.Type.MinValue();
        int hi = output.Type.MaxValue();
        switch (Kind)
        {
            case FusedActivationKind.Relu:
                lo = Math.Max(lo, output.ZeroPoint);
                break;
            case FusedActivationKind.Clip:
                if (!float.IsNegativeInfinity(Min))
                {
                    lo = Math.Max(lo, output.Quantize(Min));
                }

                if (!float.IsPositiveInfinity(Max))
                {
                    hi = Math.Min(hi, output.Quantize(Max));
                }

                break;
        }

        return (lo, hi);
    }
}
