// Data-movement islands (Reshape, Transpose, Slice, Pad, ...): strided copies on the bytes.
using Onnxc.Kernels.Registry;

namespace Onnxc.Passes.Lowering.Rules;

/// <summary>Ops that only move values run on the bytes when the Q after them keeps the input's parameters: strided copies, no quantized kernel.</summary>
internal sealed class DataMovementRule : Int8Rule
{
    public override IReadOnlyList<string> OpTypes { get; } = ["Reshape", "Flatten", "Squeeze", "Unsqueeze", "Identity", "Dropout", "Transpose", "Slice", "Pad"];

    public override KernelOp? KernelFor(string opType) => null;

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

        if (end.Output != x.Bytes.Quant)
        {
            return "the Q after it has other parameters than its input";
        }

        var output = context.MoveData(node, x.Bytes, end.Quantize.Outputs[0]!.Name);
        context.FinishIsland(end, output);
        return null;
    }
}
