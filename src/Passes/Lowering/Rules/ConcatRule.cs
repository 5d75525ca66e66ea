// Concat islands: 8-bit pieces requantized to the output's parameters.
using Onnxc.Kernels.Elementwise;
using Onnxc.Kernels.Registry;
using Onnxc.Kernels.Runtime;
using Onnxc.Kernels.Runtime.Steps;

namespace Onnxc.Passes.Lowering.Rules;

/// <summary>Concat of 8-bit tensors, each piece requantized to the output's parameters.</summary>
internal sealed class ConcatRule : Int8Rule
{
    public override IReadOnlyList<string> OpTypes { get; } = ["Concat"];

    public override KernelOp? KernelFor(string opType) => KernelOp.Concat;

    public override string? TryLower(LoweringContext context, Node node)
    {
        var inputs = new List<PlanTensor>();
        foreach (var v in node.Inputs)
        {
            if (v is null || context.Lookup(v) is not DequantizedValue d)
            {
                return "an input is not a dequantized 8-bit tensor";
            }

            inputs.Add(d.Bytes);
        }

        if (context.FindIslandEnd(node, allowActivation: false, out string reason) is not { } end)
        {
            return reason;
        }

        if (inputs.Select(t => MissingKernel(context, node, t.Quant!.Type, end.Output.Type)).FirstOrDefault(m => m is not null) is { } missing)
        {
            return missing;
        }

        int rank = inputs[0].Shape.Length;
        int axis = (int)node.GetInt("axis", 1);
        axis = axis < 0 ? axis + rank : axis;
        var layout = inputs.All(t => t.Layout == PlanLayout.Nhwc) ? PlanLayout.Nhwc : PlanLayout.Logical;
        inputs = inputs.Select(t => context.Plan.InLayout(t, layout, node.Describe())).ToList();
        int[] outShape = (int[])inputs[0].Shape.Clone();
        outShape[axis] = inputs.Sum(t => t.Shape[axis]);
        var output = context.NewIslandOutput(end, outShape, layout);
        int physical = output.PhysicalAxis(axis);
        int[] ps = output.PhysicalShape;
        int outer = ps.Take(physical).Aggregate(1, (p, d) => p * d);
        int inner = ps.Skip(physical + 1).Aggregate(1, (p, d) => p * d);
        var slices = ConcatSlice.Create(outer, inner, inputs.Select(t => t.PhysicalShape[physical]).ToArray(), inputs.Select(t => t.Quant!).ToList(), end.Output);
        context.Plan.Add(new ConcatStep(node.Describe(), inputs.Select(t => t.Id).ToArray(), output.Id, slices));
        context.FinishIsland(end, output);
        return null;
    }
}
