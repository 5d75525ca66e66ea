// Compile-time constants for copying one Concat input into its slice of the output, requantizing.
using System.Runtime.InteropServices;
using Onnxc.Kernels.Quantization;

namespace Onnxc.Kernels.Elementwise;

/// <summary>
/// One input of a quantized Concat along any axis. With the tensor viewed as <c>[outer][axis][inner]</c>,
/// input element <c>(o, i)</c>, <c>i &lt; InputRowLength = axis_in * inner</c>, goes to output
/// <c>o * OutputRowLength + Offset + i</c>. Values are requantized
/// <c>y = clamp(round((x - z_x) s_x / s_y) + z_y)</c>; when the input already has the output's parameters the
/// ratio is exactly 1 (<c>M = 2^30, shift = -1</c>) and this is a plain copy.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
public struct ConcatSlice
{
    public int Outer;
    public int InputRowLength;
    public int OutputRowLength;
    public int Offset;
    public int Multiplier;
    public int Shift;
    public int InputFlip;
    public int InputZeroPoint;
    public int OutputZeroPoint;
    public int OutputLo;
    public int OutputHi;

    /// <summary>Slices for inputs of shapes <c>[outer][axisSizes[i]][inner]</c> concatenated on the middle axis.</summary>
    public static ConcatSlice[] Create(int outer, int inner, ReadOnlySpan<int> axisSizes, IReadOnlyList<QuantParams> inputs, QuantParams output)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(output);
        if (axisSizes.Length != inputs.Count || inputs.Count == 0)
        {
            throw new ArgumentException($"Concat needs one axis size per input, got {axisSizes.Length} sizes for {inputs.Count} inputs");
        }

        if (outer <= 0 || inner <= 0)
        {
            throw new ArgumentException("Concat outer and inner sizes must be positive");
        }

        int total = 0;
        foreach (int size in axisSizes)
        {
            if (size <= 0)
            {
                throw new ArgumentException("Concat axis sizes must be positive");
            }

            total += size;
        }

        var slices = new ConcatSlice[inputs.Count];
        int offset = 0;
        for (int i = 0; i < slices.Length; i++)
        {
            var fp = FixedPointMultiplier.FromScale((double)inputs[i].Scale / output.Scale);
            slices[i] = new ConcatSlice
            {
                Outer = outer,
                InputRowLength = axisSizes[i] * inner,
                OutputRowLength = total * inner,
                Offset = offset * inner,
                Multiplier = fp.Multiplier,
                Shift = fp.Shift,
                InputFlip = inputs[i].Type.SignFlip(),
                InputZeroPoint = inputs[i].SignedZeroPoint,
                OutputZeroPoint = output.ZeroPoint,
                OutputLo = output.Type.MinValue(),
                OutputHi = output.Type.MaxValue(),
            };
            offset += axisSizes[i];
        }

        return slices;
    }

    public readonly long InputElements => (long)Outer * InputRowLength;

    /// <summary>The output value of stored input byte <paramref name="x"/>; runs in kernels.</summary>
    public readonly int Apply(byte x)
    {
        int d = (sbyte)(byte)(x ^ InputFlip) - InputZeroPoint;
        return FixedPoint.Requantize(d, Multiplier, Shift, OutputZeroPoint, OutputLo, OutputHi);
    }
}
