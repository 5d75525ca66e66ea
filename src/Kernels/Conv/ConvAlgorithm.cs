// Which convolution kernel variant to run.
namespace Onnxc.Kernels.Conv;

public enum ConvAlgorithm
{
    /// <summary>The fastest variant the accelerator supports (tensor cores, then dp4a, then portable).</summary>
    Auto,

    /// <summary>Tiled kernel with the portable inner product; runs everywhere; the reference path.</summary>
    Portable,

    /// <summary>Tiled kernel with dp4a (CUDA sm_61+; portable arithmetic elsewhere).</summary>
    Dp4a,

    /// <summary>mma.sync m16n8k32 tensor cores (CUDA sm_80+; warp-shuffle emulation elsewhere).</summary>
    TensorCore,

    /// <summary>Direct depthwise kernel (channel multiplier 1 only); Auto picks it for such convolutions.</summary>
    Depthwise,
}
