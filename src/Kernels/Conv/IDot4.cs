// The inner product of the GEMM kernels: four int8 lanes multiplied and added to an int32.
namespace Onnxc.Kernels.Conv;

/// <summary>
/// <c>Dot(a, b, c) = c + sum_{i&lt;4} (sbyte)(a &gt;&gt; 8i) * (sbyte)(b &gt;&gt; 8i)</c>. Implemented by
/// structs so a kernel generic over it is specialized at compile time (no virtual call on the device).
/// </summary>
public interface IDot4
{
    int Dot(int a, int b, int c);
}
