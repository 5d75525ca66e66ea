// 2-D pooling in float.
using Onnxc.Kernels.Runtime;
using Onnxc.Kernels.Runtime.Float;
using Onnxc.Kernels.Runtime.Steps;

namespace Onnxc.Passes.Lowering.Rules;

/// <summary>MaxPool, AveragePool and GlobalAveragePool on NCHW floats.</summary>
internal sealed class FloatPoolRule : FloatRule
{
    public override IReadOnlyList<string> OpTypes { get; } = ["MaxPool", "AveragePool", "GlobalAveragePool"];

    public override PlanTensor Lower(LoweringContext context, Node node)
    {
        string source = node.Describe();
        var x = context.Plan.InLayout(context.AsFloat(node.Input(0)!), PlanLayout.Logical, source);
        if (x.Shape.Length != 4)
        {
            throw new NotSupportedException($"cannot lower {source}: only 2-D pooling is supported");
        }

        var g = LoweringGeometry.PoolGeometryOf(node, x.Shape);
        var output = context.Plan.NewFloat(node.Outputs[0]!.Name, [g.Batch, g.Channels, g.OutHeight, g.OutWidth]);
        var args = new FloatPoolArgs
        {
            Kind = node.OpType == "MaxPool" ? 0 : 1, N = g.Batch, C = g.Channels, H = g.InHeight, W = g.InWidth, OH = g.OutHeight, OW = g.OutWidth,
            KH = g.KernelHeight, KW = g.KernelWidth, StrideH = g.StrideHeight, StrideW = g.StrideWidth, PadTop = g.PadTop, PadLeft = g.PadLeft,
            PadBottom = g.PadBottom, PadRight = g.PadRight, DilationH = g.DilationHeight, DilationW = g.DilationWidth, CountIncludePad = g.CountIncludePad ? 1 : 0,
        };
        context.Plan.Add(new FloatPoolStep(source, x.Id, output.Id, args));
        return output;
    }
}
