// Pool islands: MaxPool, AveragePool and GlobalAveragePool on 8-bit NHWC tensors.
using Onnxc.Kernels.Pool;
using Onnxc.Kernels.Registry;
using Onnxc.Kernels.Runtime;
using Onnxc.Kernels.Runtime.Steps;

namespace Onnxc.Passes.Lowering.Rules;

/// <summary>MaxPool, AveragePool and GlobalAveragePool on 8-bit NHWC tensors.</summary>
internal sealed class PoolRule : Int8Rule
{
    public override IReadOnlyList<string> OpTypes { get; } = ["MaxPool", "AveragePool", "GlobalAveragePool"];

    public override KernelOp? KernelFor(string opType) => opType switch
    {
        "MaxPool" => KernelOp.MaxPool,
        "AveragePool" => KernelOp.AveragePool,
        _ => KernelOp.GlobalAveragePool,
    };

    public override string? TryLower(LoweringContext context, Node node)
    {
        if (context.Lookup(node.Input(0)!) is not DequantizedValue x || x.Bytes.Shape.Length != 4)
        {
            return "its input is not a dequantized 8-bit rank-4 tensor";
        }

        bool max = node.OpType == "MaxPool";
        if (max && node.GetInt("storage_order", 0) != 0)
        {
            return "storage_order = 1";
        }

        if (context.FindIslandEnd(node, allowActivation: false, out string reason) is not { } end)
        {
            return reason;
        }

        if (MissingKernel(context, node, x.Bytes.Quant!.Type, end.Output.Type) is { } missing)
        {
            return missing;
        }

        if (max && end.Output != x.Bytes.Quant)
        {
            return "the Q after it has other parameters than its input (MaxPool is exact only on shared parameters)";
        }

        var g = LoweringGeometry.PoolGeometryOf(node, x.Bytes.Shape);
        var input = context.Plan.InLayout(x.Bytes, PlanLayout.Nhwc, node.Describe());
        var output = context.NewIslandOutput(end, [g.Batch, g.Channels, g.OutHeight, g.OutWidth], PlanLayout.Nhwc);
        context.Plan.Add(max
            ? new MaxPoolStep(node.Describe(), input.Id, output.Id, g, end.Output.Type)
            : new AveragePoolStep(node.Describe(), input.Id, output.Id, PackedAveragePool.Create(g, input.Quant!, end.Output)));
        context.FinishIsland(end, output);
        return null;
    }
}
