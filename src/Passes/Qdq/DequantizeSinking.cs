// sink-dq-past-data-movement: a per-tensor DequantizeLinear moves after Transpose/Reshape/Squeeze/Unsqueeze/Flatten.
using Onnxc.Passes.Rewriting;

namespace Onnxc.Passes.Qdq;

/// <summary>
/// Per-tensor dequantization is elementwise with one scale and zero point, so it commutes with any op that only
/// moves elements: M(DQ(q)) = DQ(M(q)). Moving the DQ down lets the data movement run on the integer tensor and
/// brings the DQ next to the op that consumes it, where QDQ groups are recognised. Guards: the DQ is per tensor;
/// its output is read only by the data-movement op.
/// </summary>
public sealed class DequantizeSinking : RewriteRule<DequantizeSinking.Bound>
{
    private DequantizeSinking(string op)
    {
        RootOpType = op;
        Name = "sink-dq-past-" + op.ToLowerInvariant();
    }

    public static IReadOnlyList<DequantizeSinking> All { get; } =
        [new("Transpose"), new("Reshape"), new("Squeeze"), new("Unsqueeze"), new("Flatten")];

    public override string Name { get; }

    public override string RootOpType { get; }

    protected override MatchOutcome<Bound> Match(Node move, RewriteContext context) =>
        move.Input(0)?.Producer is { OpType: "DequantizeLinear", IsDefaultDomain: true } dq && dq.Input(0) is not null
            ? new Bound(dq, move)
            : Fail("the data input is not produced by a DequantizeLinear");

    protected override string? Check(Bound m, RewriteContext context) =>
        QdqParameters.PerTensor(m.Dequantize) ?? Guards.SingleUse(m.Dequantize.Outputs[0]!);

    protected override void Rewrite(Bound m, RewriteContext context)
    {
        Graph g = context.Graph;
        Value q = m.Dequantize.Input(0)!;
        Node moved = g.AddNode(m.Move.OpType, [q, .. m.Move.Inputs.Skip(1)], 1, m.Move.Attributes, before: m.Move);
        Graph.SetType(moved.Outputs[0]!, m.Move.Outputs[0]!.Shape is { } shape ? new TensorType(q.ElementType, shape) : null);
        Node dq = g.AddNode("DequantizeLinear", [moved.Outputs[0], .. m.Dequantize.Inputs.Skip(1)], 1, m.Dequantize.Attributes, before: m.Move);
        Graph.SetType(dq.Outputs[0]!, m.Move.Outputs[0]!.Type);
        context.Replace(m.Move.Outputs[0]!, dq.Outputs[0]!);
        context.RemoveIfDead(m.Move, m.Dequantize);
    }

    public sealed record Bound(Node Dequantize, Node Move);
}
