// hoist-q-above-data-movement: a per-tensor QuantizeLinear after Transpose/Reshape/Squeeze/Unsqueeze/Flatten moves before it.
using Onnxc.Passes.Rewriting;

namespace Onnxc.Passes.Qdq;

/// <summary>
/// Per-tensor quantization is elementwise with one scale and zero point, so Q(M(x)) = M(Q(x)) for any op M that
/// only moves elements. Hoisting the Q puts it right after the op that produced x (where QDQ groups are
/// recognised) and lets M run on the integer tensor. Guards: the Q is per tensor; M's output is read only by it.
/// </summary>
public sealed class QuantizeHoisting : RewriteRule<QuantizeHoisting.Bound>
{
    private static readonly HashSet<string> s_movement = new(StringComparer.Ordinal) { "Transpose", "Reshape", "Squeeze", "Unsqueeze", "Flatten" };

    public override string Name => "hoist-q-above-data-movement";

    public override string RootOpType => "QuantizeLinear";

    protected override MatchOutcome<Bound> Match(Node q, RewriteContext context) =>
        q.Input(0)?.Producer is { IsDefaultDomain: true } move && s_movement.Contains(move.OpType) && move.Input(0) is not null
            ? new Bound(move, q)
            : Fail("the input is not produced by a data-movement op");

    protected override string? Check(Bound m, RewriteContext context) =>
        QdqParameters.PerTensor(m.Quantize) ?? Guards.SingleUse(m.Move.Outputs[0]!);

    protected override void Rewrite(Bound m, RewriteContext context)
    {
        Graph g = context.Graph;
        Value x = m.Move.Input(0)!;
        Node q = g.AddNode("QuantizeLinear", [x, .. m.Quantize.Inputs.Skip(1)], 1, m.Quantize.Attributes, before: m.Move);
        Graph.SetType(q.Outputs[0]!, x.Shape is { } shape && m.Quantize.Outputs[0]!.ElementType is var t and not ElementType.Undefined ? new TensorType(t, shape) : null);
        Node moved = g.AddNode(m.Move.OpType, [q.Outputs[0], .. m.Move.Inputs.Skip(1)], 1, m.Move.Attributes, before: m.Quantize);
        Graph.SetType(moved.Outputs[0]!, m.Quantize.Outputs[0]!.Type);
        context.Replace(m.Quantize.Outputs[0]!, moved.Outputs[0]!);
        context.RemoveIfDead(m.Quantize, m.Move);
    }

    public sealed record Bound(Node Move, Node Quantize);
}
