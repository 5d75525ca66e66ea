// Sizes of a float Gemm Y[M, N] = X[M, K] * W[K, N] + bias[N] (alpha, beta and transposes folded at compile time).
using System.Runtime.InteropServices;

namespace Onnxc.Kernels.Runtime.Float;

[StructLayout(LayoutKind.Sequential)]
public struct GemmArgs
{
    public int M;
    public int K;
    public int N;
    public int HasBias;
}
