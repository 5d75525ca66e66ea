// A binary elementwise node with one input produced by a given op and the other a constant initializer.
using Onnxc.Passes.Rewriting;

namespace Onnxc.Passes.Fusion;

/// <param name="Producer">The node producing the non-constant operand.</param>
/// <param name="Root">The Mul or Add.</param>
/// <param name="Constant">The constant operand.</param>
public sealed record ProducerWithConstant(Node Producer, Node Root, Value Constant)
{
    /// <summary>Binds Root(Producer(...), c) or Root(c, Producer(...)) with Producer of op <paramref name="producerOp"/>.</summary>
    public static MatchOutcome<ProducerWithConstant> Bind(Node root, string producerOp)
    {
        for (int i = 0; i < 2; i++)
        {
            if (root.Input(i)?.Producer is { } p && p.OpType == producerOp && p.IsDefaultDomain && root.Input(1 - i) is { } c)
            {
                return new ProducerWithConstant(p, root, c);
            }
        }

        return MatchOutcome<ProducerWithConstant>.Fail($"no input is produced by a {producerOp}");
    }
}
