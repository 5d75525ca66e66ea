// Quantized Add and Concat kernels, grid-stride over elements.
using ILGPU;

namespace Onnxc.Kernels.Elementwise;

/// <summary>Elementwise INT8 kernels (grid-stride, see <see cref="GridStride"/>).</summary>
public static class ElementwiseKernels
{
    /// <summary>Same-shape quantized Add (see <see cref="AddRequantization"/>).</summary>
    public static void Add(ArrayView<byte> a, ArrayView<byte> b, ArrayView<byte> output, AddRequantization q)
    {
        for (int index = GridStride.Start; index < (int)output.Length; index += GridStride.Stride)
            output[index] = (byte)q.Apply(a[index], b[index]);
    }

    /// <summary>Copies one Concat input into its output slice (see <see cref="ConcatSlice"/>).</summary>
    public static void ConcatInto(ArrayView<byte> input, ArrayView<byte> output, ConcatSlice s)
    {
        for (int index = GridStride.Start; index < (int)input.Length; index += GridStride.Stride)
            ConcatIntoAt(index, input, output, s);
    }

    private static void ConcatIntoAt(int index, ArrayView<byte> input, ArrayView<byte> output, ConcatSlice s)
    {
        int row = index / s.InputRowLength;
        int column = index - (row * s.InputRowLength);
        output[(row * s.OutputRowLength) + s.Offset + column] = (byte)s.Apply(input[index]);
    }
}
