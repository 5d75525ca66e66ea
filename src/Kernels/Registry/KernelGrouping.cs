// How a kernel uses its groups: fixed-shape tiles in shared memory, or a grid-stride loop over elements.
namespace Onnxc.Kernels.Registry;

/// <summary>Every kernel is explicitly grouped; this says which launch shapes it accepts.</summary>
public enum KernelGrouping
{
    /// <summary>Shared-memory tiles and barriers: launched with the group shape the kernel was written for.</summary>
    Tiled,

    /// <summary>No shared memory: any launch shape, see <see cref="GridStride"/>.</summary>
    GridStride,
}
