// Geometry of a float 2-D convolution on logical NCHW tensors.
using System.Runtime.InteropServices;

namespace Onnxc.Kernels.Runtime.Float;

[StructLayout(LayoutKind.Sequential)]
public struct FloatConvArgs
{
    public int N, C, H, W, OC, OH, OW, KH, KW;
    public int StrideH, StrideW, PadTop, PadLeft, DilationH, DilationW, Groups, HasBias;
}
