// Which accelerator the runtime should run a plan on.
namespace Onnxc.Kernels.Runtime;

public enum RuntimeDevice
{
    /// <summary>The first CUDA GPU when one is present, else ILGPU's CPU accelerator.</summary>
    Auto,

    /// <summary>ILGPU's CPU accelerator (slow; the correctness reference).</summary>
    Cpu,

    /// <summary>The first CUDA GPU; an error when there is none.</summary>
    Cuda,
}
