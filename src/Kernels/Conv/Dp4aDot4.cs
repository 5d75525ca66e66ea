// The four-lane int8 dot product through the CUDA dp4a instruction (inline PTX), portable elsewhere.
using ILGPU.Runtime.Cuda;

namespace Onnxc.Kernels.Conv;

/// <summary>
/// <see cref="IDot4"/> as one <c>dp4a.s32.s32</c> on CUDA (sm_61+; the host selects this variant only
/// there). On other accelerators <see cref="CudaAsm.IsSupported"/> folds to false and the portable code
/// runs, so the same kernel is testable on the CPU.
/// </summary>
public readonly struct Dp4aDot4 : IDot4
{
    public int Dot(int a, int b, int c)
    {
        if (CudaAsm.IsSupported)
        {
            CudaAsm.Emit("dp4a.s32.s32 %0, %1, %2, %3;", out int result, a, b, c);
            return result;
        }

        return PortableDot4.Compute(a, b, c);
    }
}
