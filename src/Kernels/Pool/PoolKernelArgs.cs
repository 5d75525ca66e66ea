// The scalar arguments of the pooling kernels.
using System.Runtime.InteropServices;

namespace Onnxc.Kernels.Pool;

/// <summary>Kernel-side view of a pooling: NHWC geometry and, for averages, the epilogue constants.</summary>
[StructLayout(LayoutKind.Sequential)]
public struct PoolKernelArgs
{
    public int N;
    public int H;
    public int W;
    public int C;
    public int OH;
    public int OW;
    public int KH;
    public int KW;
    public int StrideH;
    public int StrideW;
    public int PadTop;
    public int PadLeft;
    public int PadBottom;
    public int PadRight;
    public int DilationH;
    public int DilationW;

    /// <summary>1 when averages divide by taps inside the padded input (count_include_pad).</summary>
    public int CountIncludePad;

    /// <summary>0x80 for uint8 (maps to the signed domain), 0 for int8.</summary>
    public int InputFlip;

    public int InputZeroPoint;
    public int OutputZeroPoint;
    public int OutputLo;
    public int OutputHi;

    public static PoolKernelArgs From(PoolGeometry g) => new()
    {
        N = g.Batch,
        H = g.InHeight,
        W = g.InWidth,
        C = g.Channels,
        OH = g.OutHeight,
        OW = g.OutWidth,
        KH = g.KernelHeight,
        KW = g.KernelWidth,
        StrideH = g.StrideHeight,
        StrideW = g.StrideWidth,
        PadTop = g.PadTop,
        PadLeft = g.PadLeft,
        PadBottom = g.PadBottom,
        PadRight = g.PadRight,
        DilationH = g.DilationHeight,
        DilationW = g.DilationWidth,
        CountIncludePad = g.CountIncludePad ? 1 : 0,
    };
}
