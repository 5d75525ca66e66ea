// Broadcasting float binary ops (Add, Sub, Mul, Div, Max, Min).
using Onnxc.Kernels.Runtime;
using Onnxc.Kernels.Runtime.Float;
using Onnxc.Kernels.Runtime.Steps;

namespace Onnxc.Passes.Lowering.Rules;

/// <summary>Two-input float ops with ONNX broadcasting.</summary>
internal sealed class FloatBinaryRule : FloatRule
{
    public override IReadOnlyList<string> OpTypes { get; } = ["Add", "Sub", "Mul", "Div", "Max", "Min"];

    public override bool Accepts(Node node) => node.Inputs.Count == 2;

    /// <summary>Broadcasting binary op: operands right-aligned, stride 0 where an operand has extent 1.</summary>
    public override PlanTensor Lower(LoweringContext context, Node node)
    {
        string source = node.Describe();
        var kind = Enum.Parse<FloatBinaryKind>(node.OpType);
        var a = context.Plan.InLayout(context.AsFloat(node.Input(0)!), PlanLayout.Logical, source);
        var b = context.Plan.InLayout(context.AsFloat(node.Input(1)!), PlanLayout.Logical, source);
        int rank = Math.Max(a.Shape.Length, b.Shape.Length);
        int[] sa = Align(a.Shape, rank);
        int[] sb = Align(b.Shape, rank);
        int[] outShape = new int[rank];
        for (int i = 0; i < rank; i++)
        {
            if (sa[i] != sb[i] && sa[i] != 1 && sb[i] != 1)
            {
                throw new NotSupportedException($"cannot lower {source}: shapes [{string.Join(",", a.Shape)}] and [{string.Join(",", b.Shape)}] do not broadcast");
            }

            outShape[i] = Math.Max(sa[i], sb[i]);
        }

        if (rank > StridedCopyArgs.Rank)
        {
            throw new NotSupportedException($"cannot lower {source}: rank {rank} > {StridedCopyArgs.Rank}");
        }

        int[] stA = BroadcastStrides(sa, outShape);
        int[] stB = BroadcastStrides(sb, outShape);
        int[] d = Align(outShape, 6);
        int[] pa = Align0(stA, 6);
        int[] pb = Align0(stB, 6);
        var args = new ElementwiseArgs
        {
            Kind = (int)kind,
            D0 = d[0], D1 = d[1], D2 = d[2], D3 = d[3], D4 = d[4], D5 = d[5],
            SA0 = pa[0], SA1 = pa[1], SA2 = pa[2], SA3 = pa[3], SA4 = pa[4], SA5 = pa[5],
            SB0 = pb[0], SB1 = pb[1], SB2 = pb[2], SB3 = pb[3], SB4 = pb[4], SB5 = pb[5],
        };
        var output = context.Plan.NewFloat(node.Outputs[0]!.Name, outShape);
        context.Plan.Add(new FloatBinaryStep(source, a.Id, b.Id, output.Id, args));
        return output;

        static int[] BroadcastStrides(int[] shape, int[] outShape)
        {
            int[] strides = StridedCopyArgs.RowMajorStrides(shape);
            return strides.Select((st, i) => shape[i] == 1 && outShape[i] != 1 ? 0 : st).ToArray();
        }
    }

    private static int[] Align(int[] shape, int rank) => [.. Enumerable.Repeat(1, rank - shape.Length), .. shape];

    private static int[] Align0(int[] strides, int rank) => [.. Enumerable.Repeat(0, rank - strides.Length), .. strides];
}
