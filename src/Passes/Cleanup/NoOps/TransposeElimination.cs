// eliminate-identity-transpose: Transpose with perm = [0, 1, ..., n-1] is the identity.
using Onnxc.Passes.Rewriting;

namespace Onnxc.Passes.Cleanup.NoOps;

public sealed class TransposeElimination : NoOpRule
{
    public override string Name => "eliminate-identity-transpose";

    public override string RootOpType => "Transpose";

    protected override string? WhyNotNoOp(Node node, RewriteContext context)
    {
        if (node.GetInts("perm") is not { } perm)
        {
            // The default perm reverses the axes: the identity only for rank 0 or 1.
            return node.Input(0)!.Shape is { Rank: <= 1 } ? null : "the default perm reverses axes of rank > 1 (or unknown rank)";
        }

        for (int i = 0; i < perm.Length; i++)
        {
            if (perm[i] != i)
            {
                return $"perm [{string.Join(",", perm)}] moves axes";
            }
        }

        return null;
    }
}
