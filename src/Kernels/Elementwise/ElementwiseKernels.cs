// Quantized Add and Concat kernels, one thread per element.
using ILGPU;

namespace Onnxc.Kernels.Elementwise;

/// <summary>Implicitly grouped elementwise INT8 kernels.</summary>
public static class ElementwiseKernels
{
    /// <summary>Same-shape quantized Add (see <see cref="AddRequantization"/>).</summary>
    public static void Add(Index1D index, ArrayView<byte> a, ArrayView<byte> b, ArrayView<byte> output, AddRequantization q) =>
        output[index] = (byte)q.Apply(a[index], b[index]);

    /// <summary>Copies one Concat input into its output slice (see <see cref="ConcatSlice"/>).</summary>
    public static void ConcatInto(Index1D index, ArrayView<byte> input, ArrayView<byte> output, ConcatSlice s)
    {
        int row = index / s.InputRowLength;
        int column = index - (row * s.InputRowLength);
        output[(row * s.OutputRowLength) + s.Offset + column] = (byte)s.Apply(input[index]);
    }
}
