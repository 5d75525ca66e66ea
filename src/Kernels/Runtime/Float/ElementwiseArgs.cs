// Arguments of the float unary and broadcasting binary kernels.
using System.Runtime.InteropServices;

namespace Onnxc.Kernels.Runtime.Float;

/// <summary>
/// <see cref="Kind"/> is a <see cref="FloatUnaryKind"/> or <see cref="FloatBinaryKind"/>; A and B are the
/// bounds of Clip (or LeakyRelu's alpha in A). For binary ops the output has shape D (rank 6, leading 1s) and
/// the operands are read at <c>sum i_d * SA_d</c> and <c>sum i_d * SB_d</c>: stride 0 broadcasts.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
public struct ElementwiseArgs
{
    public int Kind;
    public float A;
    public float B;
    public int D0, D1, D2, D3, D4, D5;
    public int SA0, SA1, SA2, SA3, SA4, SA5;
    public int SB0, SB1, SB2, SB3, SB4, SB5;
}
