// The outer product both GELU forms share: 0.5 * x * (1 + f(z)), f = Erf or Tanh, in any association of its Muls.
using Onnxc.Passes.Rewriting;

namespace Onnxc.Passes.Fusion;

/// <summary>
/// Matches gelu(x) = 0.5 * x * (1 + f(z)) at a root Mul: the tree of single-use Muls under the root is flattened
/// into its leaves, which must be exactly x, the constant 0.5 and an Add of the constant 1 and f(z). Only the
/// argument z differs between the exact (f = Erf, z = x / sqrt 2) and the tanh (f = Tanh, z = sqrt(2/pi) *
/// (x + 0.044715 x^3)) forms, so each rule checks z itself.
/// </summary>
internal static class GeluProduct
{
    /// <summary>Binds the outer product of the GELU at <paramref name="root"/> whose activation is <paramref name="activation"/>.</summary>
    public static MatchOutcome<Parts> Match(Node root, string activation)
    {
        var muls = new List<Node>();
        var factors = new List<Value>();
        Flatten(root, muls, factors);
        if (factors.Count != 3)
        {
            return MatchOutcome<Parts>.Fail($"the product has {factors.Count} factors, not 3");
        }

        Value? half = factors.FirstOrDefault(f => IsScalar(f, 0.5));

        // x itself is often an Add (a bias), so the (1 + f) factor is the Add that reads f, not the first Add.
        Value? onePlus = factors.FirstOrDefault(f => f != half && f.Producer is { OpType: "Add", IsDefaultDomain: true } a
            && a.Inputs.Any(i => i?.Producer is { OpType: var op, IsDefaultDomain: true } && op == activation));
        if (half is null || onePlus is null)
        {
            return MatchOutcome<Parts>.Fail($"no 0.5 factor or no (1 + {activation}) factor");
        }

        Node add = onePlus.Producer!;
        Value activationOut = add.Inputs.First(i => i?.Producer is { OpType: var op } && op == activation)!;
        Value? one = add.Inputs.FirstOrDefault(i => i != activationOut);
        if (one is null || !IsScalar(one, 1))
        {
            return MatchOutcome<Parts>.Fail($"the Add is not 1 + {activation}(...)");
        }

        Value x = factors.First(f => f != half && f != onePlus);
        Node f = activationOut.Producer!;
        if (f.Input(0) is not { } z)
        {
            return MatchOutcome<Parts>.Fail($"the {activation} has no input");
        }

        return new Parts(x, z, [.. muls, add, f]);
    }

    /// <summary>
    /// Gelu(x) has the shape of x, while a one-element constant of higher rank (0.5 as [1, 1, 1]) broadcasts the
    /// product to more dimensions; null when the shapes agree or either is unknown.
    /// </summary>
    public static string? KeepsShape(Value x, Node root) =>
        x.Shape is { } xs && root.Outputs[0]?.Shape is { } rs && !xs.Equals(rs)
            ? $"the product has shape {rs}, x has {xs}: a constant broadcasts it"
            : null;

    /// <summary>Whether <paramref name="v"/> is a fixed float scalar equal to <paramref name="expected"/> to float precision.</summary>
    public static bool IsScalar(Value? v, double expected) =>
        ScalarValue(v) is double d && IsClose(d, expected);

    /// <summary>The value of a fixed one-element FLOAT or DOUBLE initializer, else null.</summary>
    public static double? ScalarValue(Value? v) =>
        ConstantValues.TryGet(v) is { ElementCount: 1 } t && WeightMath.IsFoldableFloat(t.ElementType) ? t.ToDoubles()[0] : null;

    /// <summary>Relative agreement within 1e-6: a few float ulps, so constants written in float (or folded in float) pass.</summary>
    public static bool IsClose(double actual, double expected) =>
        Math.Abs(actual - expected) <= 1e-6 * Math.Abs(expected);

    /// <summary>Collects the leaves of the Mul tree under <paramref name="node"/>; interior Muls must have one use.</summary>
    private static void Flatten(Node node, List<Node> muls, List<Value> factors)
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
                Flatten(inner, muls, factors);
            }
            else
            {
                factors.Add(input);
            }
        }
    }

    /// <summary>
    /// The bound outer product: <see cref="X"/>, the activation's argument <see cref="Z"/>, and the Muls, the Add and
    /// the activation node (the root first).
    /// </summary>
    public sealed record Parts(Value X, Value Z, Node[] Nodes);
}
