// Which convolution kernel variant to run.
namespace Onnxc.Kernels.Conv;

public enum ConvAlgorithm
{
    /// <summary>
    /// Direct for depthwise convolutions and on ILGPU's CPU accelerator; otherwise the fastest tiled variant the
    /// GPU supports (tensor cores, then dp4a, then portable).
    /// </summary>
    Auto,

    /// <summary>Tiled kernel with the portable inner product; runs everywhere; the reference path.</summary>
    Portable,

    /// <summary>Tiled kernel with dp4a (CUDA sm_61+; portable arithmetic elsewhere).</summary>
    Dp4a,

    /// <summary>mma.sync m16n8k32 tensor cores (CUDA sm_80+; warp-shuffle emulation elsewhere).</summary>
    TensorCore,

    /// <summary>Direct kernel without tiles (<see cref="DirectConvKernel"/>): any geometry, no shared memory.</summary>
    Direct,
}
