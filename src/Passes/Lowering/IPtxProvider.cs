// The service the lowering asks for PTX: the pass needs no GPU and no knowledge of ILGPU's backends.
using Onnxc.Kernels.Runtime;
using Onnxc.Kernels.Targets;

namespace Onnxc.Passes.Lowering;

/// <summary>Generates the PTX modules of the kernels <paramref name="plan"/> launches, by kernel name.</summary>
public interface IPtxProvider
{
    IReadOnlyDictionary<string, string> Generate(ExecutionPlan plan, TargetDescription target);
}
