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
        var mulNodes = new List<Node>();
        var factors = new List<Value>();
        Flatten(root, root, mulNodes, factors);
        if (factors.Count != 3)
        {
            return Fail($"the product has {factors.Count} factors, not 3");
        }

        Value? half = factors.FirstOrDefault(f => IsScalar(f, 0.5));
        Value? onePlusErf = factors.FirstOrDefault(f => f.Producer is { OpType: "Add", IsDefaultDomain: true });
        if (half is null || onePlusErf is null)
        {
            return Fail("no 0.5 factor or no (1 + erf) factor");
        }

        Node add = onePlusErf.Producer!;
        Value? erfOut = add.Inputs.FirstOrDefault(i => i?.Producer is { OpType: "Erf" });
        Value? one = add.Inputs.FirstOrDefault(i => i != erfOut);
        if (erfOut is null || one is null || !IsScalar(one, 1))
        {
            return Fail("the Add is not 1 + Erf(...)");
        }

        Node erf = erfOut.Producer!;
        if (erf.Input(0)?.Producer is not { } scaleNode || !scaleNode.IsDefaultDomain)
        {
            return Fail("the Erf input is not x / sqrt(2)");
        }

        Value? x = factors.FirstOrDefault(f => f != half && f != onePlusErf);
        bool scaled = (scaleNode.OpType == "Div" && scaleNode.Input(0) == x && IsScalar(scaleNode.Input(1), Sqrt2))
            || (scaleNode.OpType == "Mul" && scaleNode.Inputs.Contains(x) && scaleNode.Inputs.Any(i => i != x && IsScalar(i, 1 / Sqrt2)));
        if (x is null || !scaled)
        {
            return Fail("the Erf input is not x / sqrt(2) of the same x");
        }

        return new Bound(root, x, [.. mulNodes, add, erf, scaleNode]);
    }

    protected override string? Check(Bound m, RewriteContext context) =>
        Guards.OpsetAtLeast(context.Model, 20)
        ?? Guards.NotSharedOutside(m.Root, [.. m.Nodes])
        ?? (m.X.ElementType is ElementType.Float or ElementType.Undefined ? null : $"{m.X} is not FLOAT");

    protected override void Rewrite(Bound m, RewriteContext context)
    {
        Node gelu = context.Graph.AddNode("Gelu", [m.X], 1, before: m.Root);
        Graph.SetType(gelu.Outputs[0]!, m.Root.Outputs[0]!.Type);
        context.Replace(m.Root.Outputs[0]!, gelu.Outputs[0]!);
        context.RemoveIfDead([.. m.Nodes]);
    }

    /// <summary>Collects the leaves of the Mul tree under <paramref name="node"/>; interior Muls must have one use.</summary>
    private static void Flatten(Node node, Node root, List<Node> muls, List<Value> factors)
    {
        muls.Add(node);
        foreach (Value? input in node.Inputs)
        {
            if (input is null)
            {
                continue;
            }

            if (input.Producer is { OpType: "Mul", IsDefaultDomain: true } inner && input.Uses.Count == 1 && !input.IsGraphOutput && factors.Count < 4)
            {
                Flatten(inner, root, muls, factors);
            }
            else
            {
                factors.Add(input);
            }
        }
    }

    private static bool IsScalar(Value? v, double expected) =>
        ConstantValues.TryGet(v) is { ElementCount: 1 } t && WeightMath.IsFoldableFloat(t.ElementType)
        && Math.Abs(t.ToDoubles()[0] - expected) <= 1e-6 * Math.Abs(expected);

    public sealed record Bound(Node Root, Value X, Node[] Nodes);
}
