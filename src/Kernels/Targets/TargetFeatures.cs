// Instruction-level capabilities a target offers to the kernel selector.
namespace Onnxc.Kernels.Targets;

/// <summary>
/// Hardware features that decide which kernel path may run. Each one guards a hardware-specific path
/// whose portable fallback is always available.
/// </summary>
[Flags]
public enum TargetFeatures
{
    None = 0,

    /// <summary><c>dp4a</c>: 4-way int8 dot product with int32 accumulate (CUDA sm_61 and later).</summary>
    Dp4a = 1,

    /// <summary><c>mma.sync.aligned.m16n8k32</c> with s8/u8 operands (CUDA sm_80 and later).</summary>
    Int8TensorCores = 2,
}
