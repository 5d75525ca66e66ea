// What sort of machine a target description stands for.
namespace Onnxc.Kernels.Targets;

/// <summary>The broad class of a compilation target; decides which backend emits its kernels.</summary>
public enum TargetKind
{
    /// <summary>The host CPU; kernels run on ILGPU's CPU accelerator (the portable path).</summary>
    Cpu,

    /// <summary>An NVIDIA GPU; kernels are emitted as PTX for <see cref="TargetDescription.ComputeCapability"/>.</summary>
    CudaGpu,
}
