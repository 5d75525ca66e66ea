// Data-movement ops on floats: the same strided copies as on bytes.
using Onnxc.Kernels.Runtime;

namespace Onnxc.Passes.Lowering.Rules;

/// <summary>Reshape, Transpose, Slice, Pad and friends on float tensors.</summary>
internal sealed class FloatDataMovementRule : FloatRule
{
    public override IReadOnlyList<string> OpTypes { get; } = ["Reshape", "Flatten", "Squeeze", "Unsqueeze", "Identity", "Dropout", "Transpose", "Slice", "Pad"];

    public override PlanTensor Lower(LoweringContext context, Node node) =>
        context.MoveData(node, context.AsFloat(node.Input(0)!), node.Outputs[0]!.Name);
}
