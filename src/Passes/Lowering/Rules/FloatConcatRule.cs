// Concat in float: one strided copy per input.
using Onnxc.Kernels.Runtime;
using Onnxc.Kernels.Runtime.Float;
using Onnxc.Kernels.Runtime.Steps;

namespace Onnxc.Passes.Lowering.Rules;

/// <summary>Concat of float tensors as strided copies into one output.</summary>
internal sealed class FloatConcatRule : FloatRule
{
    public override IReadOnlyList<string> OpTypes { get; } = ["Concat"];

    public override PlanTensor Lower(LoweringContext context, Node node)
    {
        string source = node.Describe();
        var inputs = node.Inputs.Select(v => context.Plan.InLayout(context.AsFloat(v!), PlanLayout.Logical, source)).ToList();
        int[] s0 = inputs[0].Shape;
        int axis = (int)node.GetInt("axis", 1);
        axis = axis < 0 ? axis + s0.Length : axis;
        int[] outShape = (int[])s0.Clone();
        outShape[axis] = inputs.Sum(t => t.Shape[axis]);
        int[] outStrides = StridedCopyArgs.RowMajorStrides(outShape);
        var output = context.Plan.NewFloat(node.Outputs[0]!.Name, outShape);
        var pieces = new List<StridedCopyArgs>();
        int offset = 0;
        foreach (var t in inputs)
        {
            int[] s = t.Shape;
            pieces.Add(StridedCopyArgs.Create(s, new int[s.Length], Enumerable.Repeat(1, s.Length).ToArray(), s, StridedCopyArgs.RowMajorStrides(s), outStrides, offset * outStrides[axis]));
            offset += s[axis];
        }

        context.Plan.Add(new StridedCopyStep(source, "concat", inputs.Select(t => t.Id).ToArray(), output.Id, [.. pieces], 0f, false));
        return output;
    }
}
