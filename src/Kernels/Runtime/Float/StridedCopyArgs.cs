// Six-dimensional index mapping shared by the strided copy kernel (Slice, Pad, Transpose, Concat, Reshape).
using System.Runtime.InteropServices;

namespace Onnxc.Kernels.Runtime.Float;

/// <summary>
/// For each element <c>i</c> of a region of shape <c>D</c> (rank 6, leading dims 1), with multi-index
/// <c>i_d</c>: the source coordinate is <c>s_d = Start_d + i_d * Step_d</c>; when every <c>s_d</c> lies in
/// <c>[0, InDim_d)</c> the element is <c>input[sum s_d * InStride_d]</c>, else the pad value. It is stored
/// at <c>output[OutBase + sum i_d * OutStride_d]</c>. Slice (start/step), Pad (negative start), Transpose
/// (permuted strides), Concat (OutBase and output strides of the whole) and plain copies are all this map.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
public struct StridedCopyArgs
{
    public const int Rank = 6;

    public int D0, D1, D2, D3, D4, D5;
    public int Start0, Start1, Start2, Start3, Start4, Start5;
    public int Step0, Step1, Step2, Step3, Step4, Step5;
    public int InDim0, InDim1, InDim2, InDim3, InDim4, InDim5;
    public int InStride0, InStride1, InStride2, InStride3, InStride4, InStride5;
    public int OutStride0, OutStride1, OutStride2, OutStride3, OutStride4, OutStride5;
    public int OutBase;
    public int Count;

    /// <summary>Builds the argument block from per-dimension arrays of rank at most 6 (padded with leading 1s).</summary>
    public static StridedCopyArgs Create(int[] region, int[] start, int[] step, int[] inDims, int[] inStrides, int[] outStrides, int outBase)
    {
        int r = region.Length;
        if (r > Rank || start.Length != r || step.Length != r || inDims.Length != r || inStrides.Length != r || outStrides.Length != r)
        {
            throw new ArgumentException($"strided copy needs rank <= {Rank} and equal-length arrays");
        }

        var d = Pad(region, 1);
        var s = Pad(start, 0);
        var p = Pad(step, 1);
        var n = Pad(inDims, 1);
        var si = Pad(inStrides, 0);
        var so = Pad(outStrides, 0);
        return new StridedCopyArgs
        {
            D0 = d[0], D1 = d[1], D2 = d[2], D3 = d[3], D4 = d[4], D5 = d[5],
            Start0 = s[0], Start1 = s[1], Start2 = s[2], Start3 = s[3], Start4 = s[4], Start5 = s[5],
            Step0 = p[0], Step1 = p[1], Step2 = p[2], Step3 = p[3], Step4 = p[4], Step5 = p[5],
            InDim0 = n[0], InDim1 = n[1], InDim2 = n[2], InDim3 = n[3], InDim4 = n[4], InDim5 = n[5],
            InStride0 = si[0], InStride1 = si[1], InStride2 = si[2], InStride3 = si[3], InStride4 = si[4], InStride5 = si[5],
            OutStride0 = so[0], OutStride1 = so[1], OutStride2 = so[2], OutStride3 = so[3], OutStride4 = so[4], OutStride5 = so[5],
            OutBase = outBase,
            Count = checked(region.Aggregate(1, (a, b) => a * b)),
        };
    }

    /// <summary>Row-major strides of a shape.</summary>
    public static int[] RowMajorStrides(int[] shape)
    {
        var strides = new int[shape.Length];
        int s = 1;
        for (int i = shape.Length - 1; i >= 0; i--)
        {
            strides[i] = s;
            s = checked(s * shape[i]);
        }

        return strides;
    }

    private static int[] Pad(int[] values, int fill)
    {
        var result = Enumerable.Repeat(fill, Rank).ToArray();
        Array.Copy(values, 0, result, Rank - values.Length, values.Length);
        return result;
    }
}
