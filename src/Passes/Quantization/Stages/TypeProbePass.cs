// probe-types: records ONNX Runtime's element type and shape of every node output, which the quantization planner reads.
namespace Onnxc.Passes.Quantization.Stages;

/// <summary>Runs <see cref="TypeProbe"/>; types are derived facts, so the model's change count does not move.</summary>
public sealed class TypeProbePass : Int8Pass
{
    public override string Name => "probe-types";

    public override string Description => "element types and shapes of every node output from ONNX Runtime (a Concat of INT64 shape values is not quantized)";

    public override bool CanBeDisabled => false;

    public override void Run(Model model, PassContext context) => TypeProbe.Run(model);
}
