// Conv islands: DQ(x), DQ(w) [, bias] -> Conv [-> Relu/Clip] -> Q as one implicit-GEMM kernel step.
using Onnxc.Kernels.Conv;
using Onnxc.Kernels.Registry;
using Onnxc.Kernels.Runtime;
using Onnxc.Kernels.Runtime.Steps;

namespace Onnxc.Passes.Lowering.Rules;

/// <summary>Conv: DQ(x), DQ(w) [, bias] -> Conv [-> Relu/Clip] -> Q becomes one implicit-GEMM kernel step (grouped and depthwise included).</summary>
internal sealed class ConvRule : Int8Rule
{
    public override IReadOnlyList<string> OpTypes { get; } = ["Conv"];

    public override KernelOp? KernelFor(string opType) => KernelOp.Conv;

    public override string? TryLower(LoweringContext context, Node node)
    {
        if (context.Lookup(node.Input(0)!) is not DequantizedValue x || x.Bytes.Shape.Length != 4)
        {
            return "its input is not a dequantized 8-bit rank-4 tensor";
        }

        if (context.WeightsOf(node.Input(1)!, out string why) is not { } w)
        {
            return why;
        }

        int[] ws = w.Data.Dims.Select(d => (int)d).ToArray();
        if (ws.Length != 4 || (w.Scales.Length != 1 && (w.Axis != 0 || w.Scales.Length != ws[0])))
        {
            return "its weights are not 2-D convolution weights quantized per tensor or per output channel";
        }

        if (context.FindIslandEnd(node, allowActivation: true, out string reason) is not { } end)
        {
            return reason;
        }

        if (MissingKernel(context, node, x.Bytes.Quant!.Type, end.Output.Type) is { } missing)
        {
            return missing;
        }

        var g = LoweringGeometry.ConvGeometry(node, x.Bytes.Shape, ws);
        if (context.BiasOf(node.Input(2), x.Bytes.Quant!.Scale, w.Scales, ws[0], out why) is not { } bias)
        {
            return why;
        }

        var input = context.Plan.InLayout(x.Bytes, PlanLayout.Nhwc, node.Describe());
        var output = context.NewIslandOutput(end, [g.Batch, g.OutChannels, g.OutHeight, g.OutWidth], PlanLayout.Nhwc);
        var packed = ConvPacker.Pack(g, w.Data.AsSpan<sbyte>(), w.Scales, bias, x.Bytes.Quant, end.Output, end.Activation);
        context.Plan.Add(new ConvStep(node.Describe(), input.Id, output.Id, packed));
        context.FinishIsland(end, output);
        return null;
    }
}
