// The scalar arguments of the convolution kernels, passed by value to the device.
using System.Runtime.InteropServices;

namespace Onnxc.Kernels.Conv;

/// <summary>
/// Kernel-side view of a packed convolution: sizes of the implicit GEMM
/// <c>C[M, N] = A[M, K] * B[N, K]^T</c> per group (M output pixels, N = output channels per group,
/// K = KH*KW*Cin/groups), the NHWC gather geometry and the epilogue constants. Built by
/// <see cref="PackedConv.KernelArgs"/>; plain fields because ILGPU passes it as a blittable struct.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
public struct ConvKernelArgs
{
    public int M;
    public int H;
    public int W;
    public int C;
    public int OH;
    public int OW;
    public int OC;
    public int KH;
    public int KW;
    public int StrideH;
    public int StrideW;
    public int PadTop;
    public int PadLeft;
    public int DilationH;
    public int DilationW;
    public int CinPerGroup;
    public int CoutPerGroup;

    /// <summary>True reduction length; positions k &gt;= K carry zero weights.</summary>
    public int K;

    /// <summary>Packed weight words per output channel (K padded to a multiple of 32 bytes).</summary>
    public int KWords;

    /// <summary>0x80 for uint8 inputs (maps them to int8), 0 for int8.</summary>
    public int InputFlip;

    /// <summary>Input zero point in the signed domain; padded positions read it.</summary>
    public int InputZeroPoint;

    /// <summary>Output zero point in the output type's own domain.</summary>
    public int OutputZeroPoint;

    public int OutputLo;
    public int OutputHi;
}
