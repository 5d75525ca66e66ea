// fuse-gelu-tanh: 0.5 * x * (1 + Tanh(sqrt(2/pi) * (x + 0.044715 * x^3))) becomes one Gelu(approximate="tanh") (opset 20).
using Onnxc.Passes.Rewriting;

namespace Onnxc.Passes.Fusion;

/// <summary>
/// The tanh approximation of GELU, gelu(x) ~ 0.5 * x * (1 + tanh(z)) with z = sqrt(2/pi) * (x + 0.044715 * x^3),
/// which Gelu-20 computes when approximate = "tanh". The outer product is matched as in <see cref="GeluFusion"/>
/// (<see cref="GeluProduct"/>). Exporters write z in many shapes: x^3 as Pow(x, 3) or x*x*x, the inner sum as
/// x + k*x^3 or x * (1 + k*x^2), sqrt(2/pi) as a factor anywhere in the product or already multiplied into the
/// terms. So z is not matched against one tree: it is expanded as a polynomial in x (Mul multiplies, Add adds,
/// Pow(., n) for n in 1..3 repeats, Div by a constant scales; the leaves are x and float scalar constants), and
/// must come out as a1 * x + a3 * x^3. The rewrite is exact in real arithmetic when a1 = sqrt(2/pi) and
/// a3 / a1 = 0.044715; the guards ask for both to float precision. Other guards: opset 20 (where Gelu and its
/// approximate attribute are standard); every interior value is read only inside the match; x is FLOAT.
/// </summary>
public sealed class GeluTanhFusion : RewriteRule<GeluTanhFusion.Bound>
{
    private const double SqrtTwoOverPi = 0.79788456080286535588;
    private const double Kappa = 0.044715;

    // A GELU's z has about ten nodes in every known export; the cap keeps a wrong guess cheap on large trees.
    private const int MaxArgumentNodes = 16;

    public override string Name => "fuse-gelu-tanh";

    public override string RootOpType => "Mul";

    protected override MatchOutcome<Bound> Match(Node root, RewriteContext context)
    {
        MatchOutcome<GeluProduct.Parts> outer = GeluProduct.Match(root, "Tanh");
        if (outer.Match is not { } parts)
        {
            return Fail(outer.Reason!);
        }

        var argumentNodes = new List<Node>();
        string? reason = null;
        Dictionary<int, double>? z = Expand(parts.Z, parts.X, argumentNodes, ref reason);
        if (z is null)
        {
            return Fail(reason!);
        }

        if (z.Count != 2 || !z.TryGetValue(1, out double linear) || !z.TryGetValue(3, out double cubic))
        {
            string terms = string.Join(" + ", z.OrderBy(t => t.Key).Select(t => $"{t.Value:G6}*x^{t.Key}"));
            return Fail($"the Tanh argument is {terms}, not a*x + b*x^3 of the same x");
        }

        return new Bound(root, parts.X, [.. parts.Nodes, .. argumentNodes.Distinct()], linear, cubic);
    }

    protected override string? Check(Bound m, RewriteContext context) =>
        Guards.OpsetAtLeast(context.Model, 20)
        ?? (GeluProduct.IsClose(m.Linear, SqrtTwoOverPi) ? null : $"the coefficient of x in the Tanh argument is {m.Linear:G8}, not sqrt(2/pi)")
        ?? (GeluProduct.IsClose(m.Cubic / m.Linear, Kappa) ? null : $"the x^3 to x ratio in the Tanh argument is {m.Cubic / m.Linear:G8}, not 0.044715")
        ?? Guards.NotSharedOutside(m.Root, [.. m.Nodes])
        ?? GeluProduct.KeepsShape(m.X, m.Root)
        ?? (m.X.ElementType is ElementType.Float or ElementType.Undefined ? null : $"{m.X} is not FLOAT");

    protected override void Rewrite(Bound m, RewriteContext context)
    {
        Node gelu = context.Graph.AddNode("Gelu", [m.X], 1, [NodeAttribute.Of("approximate", "tanh")], before: m.Root);
        Graph.SetType(gelu.Outputs[0]!, m.Root.Outputs[0]!.Type);
        context.Replace(m.Root.Outputs[0]!, gelu.Outputs[0]!);
        context.RemoveIfDead([.. m.Nodes]);
    }

    /// <summary>
    /// <paramref name="v"/> as a polynomial in <paramref name="x"/> (power to coefficient), collecting the nodes it
    /// reads into <paramref name="nodes"/>; null with <paramref name="reason"/> set when it is not one.
    /// </summary>
    private static Dictionary<int, double>? Expand(Value v, Value x, List<Node> nodes, ref string? reason)
    {
        if (v == x)
        {
            return new() { [1] = 1 };
        }

        if (GeluProduct.ScalarValue(v) is double c)
        {
            return new() { [0] = c };
        }

        if (v.Producer is not { IsDefaultDomain: true } node || node.Inputs.Count != 2 || node.Input(0) is not { } a || node.Input(1) is not { } b)
        {
            reason = $"the Tanh argument reads {v}, which is neither x, a float scalar constant, nor a Mul/Add/Pow/Div of them";
            return null;
        }

        if (nodes.Count >= MaxArgumentNodes)
        {
            reason = $"the Tanh argument has more than {MaxArgumentNodes} nodes";
            return null;
        }

        nodes.Add(node);
        switch (node.OpType)
        {
            case "Mul" or "Add":
                Dictionary<int, double>? left = Expand(a, x, nodes, ref reason);
                Dictionary<int, double>? right = left is null ? null : Expand(b, x, nodes, ref reason);
                if (right is null)
                {
                    return null;
                }

                return node.OpType == "Add" ? Add(left!, right) : Multiply(left!, right, ref reason);
            case "Pow" when PowExponent(b) is long n and >= 1 and <= 3:
                Dictionary<int, double>? baseValue = Expand(a, x, nodes, ref reason);
                Dictionary<int, double>? power = baseValue;
                for (int i = 1; i < n && power is not null; i++)
                {
                    power = Multiply(power, baseValue!, ref reason);
                }

                return power;
            case "Div" when GeluProduct.ScalarValue(b) is double d && d != 0:
                Dictionary<int, double>? numerator = Expand(a, x, nodes, ref reason);
                return numerator is null ? null : Multiply(numerator, new() { [0] = 1 / d }, ref reason);
            default:
                reason = $"the Tanh argument reads {node.Describe()}, which is not a Mul/Add, Pow by 1..3 or Div by a constant";
                return null;
        }
    }

    /// <summary>The exponent of a Pow when it is a fixed scalar with an integer value (exporters write 3 or 3.0).</summary>
    private static long? PowExponent(Value exponent)
    {
        if (ConstantValues.TryGetInts(exponent) is [long i])
        {
            return i;
        }

        return GeluProduct.ScalarValue(exponent) is double d && d == Math.Round(d) && Math.Abs(d) < 100 ? (long)d : null;
    }

    /// <summary>p * q; null past x^3, which no GELU form reaches (and which bounds the work on odd graphs).</summary>
    private static Dictionary<int, double>? Multiply(Dictionary<int, double> p, Dictionary<int, double> q, ref string? reason)
    {
        var r = new Dictionary<int, double>();
        foreach ((int i, double a) in p)
        {
            foreach ((int j, double b) in q)
            {
                if (i + j > 3)
                {
                    reason = "the Tanh argument has a power of x above 3";
                    return null;
                }

                r[i + j] = r.GetValueOrDefault(i + j) + (a * b);
            }
        }

        return r;
    }

    private static Dictionary<int, double> Add(Dictionary<int, double> p, Dictionary<int, double> q)
    {
        var r = new Dictionary<int, double>(p);
        foreach ((int j, double b) in q)
        {
            r[j] = r.GetValueOrDefault(j) + b;
        }

        return r;
    }

    /// <summary>The match: the coefficients of x and x^3 in the Tanh argument, and every node the Gelu replaces.</summary>
    public sealed record Bound(Node Root, Value X, Node[] Nodes, double Linear, double Cubic);
}
