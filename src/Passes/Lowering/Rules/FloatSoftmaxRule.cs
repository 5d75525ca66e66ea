// Softmax and LogSoftmax in float (opset 13's single axis, or the older 2-D coercion).
using Onnxc.Kernels.Runtime;
using Onnxc.Kernels.Runtime.Float;
using Onnxc.Kernels.Runtime.Steps;

namespace Onnxc.Passes.Lowering.Rules;

/// <summary>Softmax and LogSoftmax.</summary>
internal sealed class FloatSoftmaxRule : FloatRule
{
    public override IReadOnlyList<string> OpTypes { get; } = ["Softmax", "LogSoftmax"];

    public override PlanTensor Lower(LoweringContext context, Node node)
    {
        var x = context.Plan.InLayout(context.AsFloat(node.Input(0)!), PlanLayout.Logical, node.Describe());
        int[] s = x.Shape;
        int axis = (int)node.GetInt("axis", context.Opset >= 13 ? -1 : 1);
        axis = axis < 0 ? axis + s.Length : axis;
        int outer = s.Take(axis).Aggregate(1, (p, d) => p * d);
        int size, inner;
        if (context.Opset >= 13)
        {
            size = s[axis];
            inner = s.Skip(axis + 1).Aggregate(1, (p, d) => p * d);
        }
        else
        {
            // Before opset 13 the input is coerced to 2-D [outer, rest] and normalized over rest.
            size = checked((int)(x.ElementCount / outer));
            inner = 1;
        }

        var output = context.Plan.NewFloat(node.Outputs[0]!.Name, s);
        var args = new SoftmaxArgs { Outer = outer, Axis = size, Inner = inner, Log = node.OpType == "LogSoftmax" ? 1 : 0 };
        context.Plan.Add(new SoftmaxStep(node.Describe(), x.Id, output.Id, args));
        return output;
    }
}
