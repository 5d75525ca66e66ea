// Which hardware path a kernel variant takes.
namespace Onnxc.Kernels.Registry;

public enum KernelPath
{
    /// <summary>Plain integer code; runs on every accelerator and is the reference for the others.</summary>
    Portable,

    /// <summary>Portable arithmetic without tiles: depthwise convolutions, and every convolution on the CPU.</summary>
    Direct,

    /// <summary>Inner product through the dp4a instruction (CUDA sm_61+).</summary>
    Dp4a,

    /// <summary>Inner product through mma.sync m16n8k32 s8 tensor cores (CUDA sm_80+).</summary>
    TensorCore,
}
