// 2-D convolution in float.
using Onnxc.Kernels.Runtime;
using Onnxc.Kernels.Runtime.Float;
using Onnxc.Kernels.Runtime.Steps;

namespace Onnxc.Passes.Lowering.Rules;

/// <summary>2-D Conv with constant weights, grouped included.</summary>
internal sealed class FloatConvRule : FloatRule
{
    public override IReadOnlyList<string> OpTypes { get; } = ["Conv"];

    public override PlanTensor Lower(LoweringContext context, Node node)
    {
        string source = node.Describe();
        var x = context.Plan.InLayout(context.AsFloat(node.Input(0)!), PlanLayout.Logical, source);
        int[] ws = context.ShapeOf(node.Input(1)!);
        if (x.Shape.Length != 4 || ws.Length != 4)
        {
            throw new NotSupportedException($"cannot lower {source}: only 2-D convolutions are supported");
        }

        float[] w = context.ConstantFloats(node.Input(1)!, "weight", node);
        float[] bias = node.Input(2) is { } b ? context.ConstantFloats(b, "bias", node) : [];
        var g = LoweringGeometry.ConvGeometry(node, x.Shape, ws);
        var output = context.Plan.NewFloat(node.Outputs[0]!.Name, [g.Batch, g.OutChannels, g.OutHeight, g.OutWidth]);
        var args = new FloatConvArgs
        {
            N = g.Batch, C = g.InChannels, H = g.InHeight, W = g.InWidth, OC = g.OutChannels, OH = g.OutHeight, OW = g.OutWidth,
            KH = g.KernelHeight, KW = g.KernelWidth, StrideH = g.StrideHeight, StrideW = g.StrideWidth, PadTop = g.PadTop, PadLeft = g.PadLeft,
            DilationH = g.DilationHeight, DilationW = g.DilationWidth, Groups = g.Groups, HasBias = bias.Length > 0 ? 1 : 0,
        };
        context.Plan.Add(new FloatConvStep(source, x.Id, output.Id, args, w, bias));
        return output;
    }
}
