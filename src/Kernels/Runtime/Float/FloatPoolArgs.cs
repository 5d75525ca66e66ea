// Geometry of a float pooling on logical NCHW tensors.
using System.Runtime.InteropServices;

namespace Onnxc.Kernels.Runtime.Float;

/// <summary>Kind 0 = max, 1 = average. Averages divide by in-bounds taps unless CountIncludePad.</summary>
[StructLayout(LayoutKind.Sequential)]
public struct FloatPoolArgs
{
    public int Kind;
    public int N, C, H, W, OH, OW, KH, KW;
    public int StrideH, StrideW, PadTop, PadLeft, PadBottom, PadRight, DilationH, DilationW, CountIncludePad;
}
