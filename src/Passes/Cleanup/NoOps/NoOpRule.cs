// The common shape of no-op removal rules: a node whose output equals its first input is bypassed.
using Onnxc.Passes.Rewriting;

namespace Onnxc.Passes.Cleanup.NoOps;

/// <summary>
/// Rules for ops that, under conditions a subclass checks in <see cref="WhyNotNoOp"/>, return their data input
/// unchanged: y = x. The rewrite makes readers of y read x and removes the node. Shared guard: when y is a graph
/// output, x must be able to take over its name (a node output of this graph that is not itself a graph output),
/// otherwise bypassing would only put an Identity in the node's place.
/// </summary>
public abstract class NoOpRule : RewriteRule<Node>
{
    protected override MatchOutcome<Node> Match(Node root, RewriteContext context)
    {
        if (root.Input(0) is null || root.Output(0) is null)
        {
            return Fail("no data input or output");
        }

        for (int i = 1; i < root.Outputs.Count; i++)
        {
            if (root.Outputs[i] is { } extra && (extra.Uses.Count > 0 || extra.IsGraphOutput))
            {
                return Fail($"secondary output {extra} is used");
            }
        }

        return root;
    }

    protected sealed override string? Check(Node node, RewriteContext context)
    {
        Value x = node.Input(0)!;
        Value y = node.Output(0)!;
        string? replace = Guards.CanReplace(y, x);
        if (replace is not null)
        {
            return replace;
        }

        if (x.ElementType != ElementType.Undefined && y.ElementType != ElementType.Undefined && x.ElementType != y.ElementType)
        {
            return $"{x} and {y} differ in element type";
        }

        return WhyNotNoOp(node, context);
    }

    /// <summary>Null when the node returns its first input unchanged, else why it may not.</summary>
    protected abstract string? WhyNotNoOp(Node node, RewriteContext context);

    protected sealed override void Rewrite(Node node, RewriteContext context)
    {
        context.Replace(node.Output(0)!, node.Input(0)!);
        context.RemoveIfDead(node);
    }

    /// <summary>The data of a constant-initializer input as int64s, or null when absent or not constant.</summary>
    protected static long[]? ConstantInts(Value? v) =>
        ConstantValues.TryGetInts(v);
}
