// How a kernel is launched: explicit groups (shared memory, barriers) or a flat implicit index.
namespace Onnxc.Kernels.Registry;

public enum KernelGrouping
{
    Implicit,
    Explicit,
}
