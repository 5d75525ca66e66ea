// Quantized Add and Concat kernels, grid-stride over elements.
using ILGPU;

namespace Onnxc.Kernels.Elementwise;

/// <summary>Elementwise INT8 kernels (grid-stride, see <see cref="GridStride"/>).</summary>
public static class ElementwiseKernels
{
    /// <summary>Same-shape quantized Add (see <see cref="AddRequantization"/>).</summary>
    public static void Add(ArrayView<byte> a, ArrayView<byte> b, ArrayView<byte> output, AddRequantization q)
    {
        int count = (int)output.Length;
        int stride = GridStride.Stride;
        for (int index = GridStride.Start; index < count; index += stride)
        {
            output[index] = (byte)q.Apply(a[index], b[index]);
        }
    }

    /// <summary>Copies one Concat input into its output slice (see <see cref="ConcatSlice"/>).</summary>
    public static void ConcatInto(ArrayView<byte> input, ArrayView<byte> output, ConcatSlice s)
    {
        int count = (int)input.Length;
        int stride = GridStride.Stride;
        for (int index = GridStride.Start; index < count; index += stride)
        {
            ConcatIntoAt(index, input, output, s);
        }
    }

    private static void ConcatIntoAt(int index, ArrayView<byte> input, ArrayView<byte> output, ConcatSlice s)
    {
        int row = index / s.InputRowLength;
        int column = index - (row * s.InputRowLength);
        output[(row * s.OutputRowLength) + s.Offset + column] = (byte)s.Apply(input[index]);
    }
}
