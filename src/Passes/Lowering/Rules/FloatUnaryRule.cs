// Elementwise float ops of one input (activations, Exp, Abs, ...).
using Onnxc.Kernels.Runtime;
using Onnxc.Kernels.Runtime.Float;
using Onnxc.Kernels.Runtime.Steps;

namespace Onnxc.Passes.Lowering.Rules;

/// <summary>Unary float ops outside INT8 islands, one kernel with the op as an argument.</summary>
internal sealed class FloatUnaryRule : FloatRule
{
    public override IReadOnlyList<string> OpTypes { get; } = ["Relu", "Clip", "Sigmoid", "Tanh", "Exp", "LeakyRelu", "Neg", "Abs", "Sqrt"];

    public override PlanTensor Lower(LoweringContext context, Node node)
    {
        var x = context.AsFloat(node.Input(0)!);
        var output = context.Plan.NewLike(x, node.Outputs[0]!.Name);
        float a = 0, b = 0;
        var kind = Enum.Parse<FloatUnaryKind>(node.OpType);
        if (kind == FloatUnaryKind.Clip)
        {
            var clip = context.ClipActivation(node);
            (a, b) = (clip.Min, clip.Max);
        }
        else if (kind == FloatUnaryKind.LeakyRelu)
        {
            a = node.GetFloat("alpha", 0.01f);
        }

        context.Plan.Add(new FloatUnaryStep(node.Describe(), x.Id, output.Id, kind, a, b));
        return output;
    }
}
