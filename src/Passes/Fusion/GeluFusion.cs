// fuse-gelu: x * 0.5 * (1 + Erf(x / sqrt(2))) becomes one Gelu (opset 20).
using Onnxc.Passes.Rewriting;

namespace Onnxc.Passes.Fusion;

/// <summary>
/// The exact GELU, gelu(x) = x * Phi(x) = 0.5 * x * (1 + erf(x / sqrt 2)), as exporters write it in any association
/// of its three factors (x, 0.5, 1 + erf(z)) and with z = x / sqrt 2 or z = x * (1 / sqrt 2). The product tree of
/// Mul nodes under the root is flattened into factors and matched as a set. Guards: opset 20 (where Gelu is
/// standard); every interior value is read only inside the match; the constants equal 0.5, 1 and sqrt 2 to float
/// precision.
/// </summary>
public sealed class GeluFusion : RewriteRule<GeluFusion.Bound>
{
    private const double Sqrt2 = 1.4142135623730951;

    public override string Name => "fuse-gelu";

    public override string RootOpType => "Mul";

    protected override MatchOutcome<Bound> Match(Node root, RewriteContext context)
    {
        MatchOutcome<GeluProduct.Parts> outer = GeluProduct.Match(root, "Erf");
        if (outer.Match is not { } parts)
        {
            return Fail(outer.Reason!);
        }

        if (parts.Z.Producer is not { } scaleNode || !scaleNode.IsDefaultDomain)
        {
            return Fail("the Erf input is not x / sqrt(2)");
        }

        Value x = parts.X;
        bool scaled = (scaleNode.OpType == "Div" && scaleNode.Input(0) == x && GeluProduct.IsScalar(scaleNode.Input(1), Sqrt2))
            || (scaleNode.OpType == "Mul" && scaleNode.Inputs.Contains(x) && scaleNode.Inputs.Any(i => i != x && GeluProduct.IsScalar(i, 1 / Sqrt2)));
        if (!scaled)
        {
            return Fail("the Erf input is not x / sqrt(2) of the same x");
        }

        return new Bound(root, x, [.. parts.Nodes, scaleNode]);
    }

    protected override string? Check(Bound m, RewriteContext context) =>
        Guards.OpsetAtLeast(context.Model, 20)
        ?? Guards.NotSharedOutside(m.Root, [.. m.Nodes])
        ?? GeluProduct.KeepsShape(m.X, m.Root)
        ?? (m.X.ElementType is ElementType.Float or ElementType.Undefined ? null : $"{m.X} is not FLOAT");

    protected override void Rewrite(Bound m, RewriteContext context)
    {
        Node gelu = context.Graph.AddNode("Gelu", [m.X], 1, before: m.Root);
        Graph.SetType(gelu.Outputs[0]!, m.Root.Outputs[0]!.Type);
        context.Replace(m.Root.Outputs[0]!, gelu.Outputs[0]!);
        context.RemoveIfDead([.. m.Nodes]);
    }

    public sealed record Bound(Node Root, Value X, Node[] Nodes);
}
