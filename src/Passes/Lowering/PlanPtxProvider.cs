// The IPtxProvider the compiler hands to the lowering: ILGPU's PTX backend through Kernels.Runtime.PlanPtx.
using Onnxc.Kernels.Runtime;
using Onnxc.Kernels.Targets;

namespace Onnxc.Passes.Lowering;

public sealed class PlanPtxProvider : IPtxProvider
{
    public IReadOnlyDictionary<string, string> Generate(ExecutionPlan plan, TargetDescription target) => PlanPtx.Generate(plan, target);
}
