// Add islands: two 8-bit tensors of equal shape (residual joins) requantized to the Q after them.
using Onnxc.Kernels.Elementwise;
using Onnxc.Kernels.Registry;
using Onnxc.Kernels.Runtime.Steps;

namespace Onnxc.Passes.Lowering.Rules;

/// <summary>Add of two 8-bit tensors of equal shape (residual joins), requantized to the Q after it.</summary>
internal sealed class AddRule : Int8Rule
{
    public override IReadOnlyList<string> OpTypes { get; } = ["Add"];

    public override KernelOp? KernelFor(string opType) => KernelOp.Add;

    public override string? TryLower(LoweringContext context, Node node)
    {
        if (context.Lookup(node.Input(0)!) is not DequantizedValue a || context.Lookup(node.Input(1)!) is not DequantizedValue b)
        {
            return "an input is not a dequantized 8-bit tensor";
        }

        if (!a.Bytes.Shape.SequenceEqual(b.Bytes.Shape))
        {
            return "it broadcasts (the INT8 Add needs equal shapes)";
        }

        if (context.FindIslandEnd(node, allowActivation: true, out string reason) is not { } end)
        {
            return reason;
        }

        if (MissingKernel(context, node, a.Bytes.Quant!.Type, end.Output.Type) is { } missing)
        {
            return missing;
        }

        var right = context.Plan.InLayout(b.Bytes, a.Bytes.Layout, node.Describe());
        var output = context.NewIslandOutput(end, a.Bytes.Shape, a.Bytes.Layout);
        var r = AddRequantization.Create(a.Bytes.Quant!, right.Quant!, end.Output, end.Activation);
        context.Plan.Add(new AddStep(node.Describe(), a.Bytes.Id, right.Id, output.Id, r));
        context.FinishIsland(end, output);
        return null;
    }
}
