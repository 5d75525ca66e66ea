// eliminate-same-shape-reshape: Reshape to the shape the input already has.
using Onnxc.Passes.Rewriting;

namespace Onnxc.Passes.Cleanup.NoOps;

/// <summary>
/// Reshape(x, s) = x when s has x's rank and every entry keeps its dim: 0 (copy, when allowzero = 0), the dim's
/// known value, or a single -1 (which then can only stand for the one dim left, so it keeps it too). Symbolic
/// dims are kept only by 0 or -1, so dynamic batches work without shape inference beyond the rank.
/// </summary>
public sealed class ReshapeElimination : NoOpRule
{
    public override string Name => "eliminate-same-shape-reshape";

    public override string RootOpType => "Reshape";

    protected override string? WhyNotNoOp(Node node, RewriteContext context)
    {
        Value x = node.Input(0)!;
        if (x.Shape is not TensorShape shape)
        {
            return $"the shape of {x} is unknown";
        }

        long[]? target = node.GetInts("shape") is { } attr ? [.. attr] : ConstantInts(node.Input(1));
        if (target is null)
        {
            return "the target shape is not constant";
        }

        if (target.Length != shape.Rank)
        {
            return $"changes the rank from {shape.Rank} to {target.Length}";
        }

        bool allowZero = node.GetInt("allowzero", 0) != 0;
        int inferred = 0;
        for (int i = 0; i < target.Length; i++)
        {
            long s = target[i];
            if (s == 0 && !allowZero)
            {
                continue;
            }

            if (s == -1)
            {
                inferred++;
                continue;
            }

            if (shape[i].Value != s)
            {
                return $"dim {i} becomes {s}, the input has {shape[i]}";
            }
        }

        return inferred <= 1 ? null : "more than one -1";
    }
}
