// What the INT8 lowering compiles for: the target, its kernels, the batch size of dynamic inputs and the memory budget.
using Onnxc.Kernels.Registry;
using Onnxc.Kernels.Targets;

namespace Onnxc.Passes.Lowering;

public sealed record LoweringOptions
{
    public LoweringOptions(TargetDescription target)
    {
        ArgumentNullException.ThrowIfNull(target);
        Target = target;
    }

    public TargetDescription Target { get; }

    /// <summary>Value for symbolic or unknown leading (batch) dimensions of graph inputs; plans have static shapes.</summary>
    public int BatchSize { get; init; } = 1;

    /// <summary>Device memory the plan may use; null takes the target's (0 = host memory, no limit).</summary>
    public long? MemoryLimitBytes { get; init; }

    /// <summary>
    /// The kernels the plan may use; an INT8 island whose kernel (op and element types) is not in the set runs as
    /// float, with that reason in the summary. The whole library by default.
    /// </summary>
    public KernelSet Kernels { get; init; } = KernelRegistry.Default;

    /// <summary>Produces the PTX of the kernels a plan uses (CUDA targets); null: no PTX in the artifact.</summary>
    public IPtxProvider? Ptx { get; init; }
}
