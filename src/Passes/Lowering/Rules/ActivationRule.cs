// Relu/Clip islands on their own: a requantizing copy whose clamp bounds are the activation.
using Onnxc.Kernels.Quantization;
using Onnxc.Kernels.Registry;

namespace Onnxc.Passes.Lowering.Rules;

/// <summary>DQ -> Relu/Clip -> Q alone: a requantizing copy (the Concat kernel on one input) whose clamp bounds are the activation.</summary>
internal sealed class ActivationRule : Int8Rule
{
    public override IReadOnlyList<string> OpTypes { get; } = ["Relu", "Clip"];

    public override KernelOp? KernelFor(string opType) => KernelOp.Concat;

    public override string? TryLower(LoweringContext context, Node node)
    {
        if (context.Lookup(node.Input(0)!) is not DequantizedValue x)
        {
            return "its input is not a dequantized 8-bit tensor";
        }

        if (context.FindIslandEnd(node, allowActivation: false, out string reason) is not { } end)
        {
            return reason;
        }

        if (MissingKernel(context, node, x.Bytes.Quant!.Type, end.Output.Type) is { } missing)
        {
            return missing;
        }

        var activation = node.OpType == "Relu" ? FusedActivation.Relu : context.ClipActivation(node);
        var output = context.NewIslandOutput(end, x.Bytes.Shape, x.Bytes.Layout);
        context.Plan.Add(LoweringContext.Requantize(node.Describe(), x.Bytes, output, activation));
        context.FinishIsland(end, output);
        return null;
    }
}
