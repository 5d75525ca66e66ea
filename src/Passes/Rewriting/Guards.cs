// Reusable rule guards. Each returns null when the condition holds, else a one-line reason for --debug-rewrites.
namespace Onnxc.Passes.Rewriting;

/// <summary>
/// Guards compose with <c>??</c>: <c>return Guards.SingleUse(x) ?? Guards.ConstantInitializer(w);</c> yields the
/// first failure's reason, or null when all pass.
/// </summary>
public static class Guards
{
    /// <summary>The value is read by exactly one node input and is not a graph output.</summary>
    public static string? SingleUse(Value value)
    {
        if (value.IsGraphOutput)
        {
            return $"{value} is a graph output";
        }

        return value.Uses.Count == 1 ? null : $"{value} has {value.Uses.Count} uses, not 1";
    }

    /// <summary>The value is an initializer that no graph input can override, so its data is fixed.</summary>
    public static string? ConstantInitializer(Value? value)
    {
        if (value is null)
        {
            return "the input is absent";
        }

        return ConstantValues.IsFixed(value) ? null : $"{value} is not a constant initializer";
    }

    public static string? NotGraphInputOrOutput(Value value)
    {
        if (value.IsGraphInput)
        {
            return $"{value} is a graph input";
        }

        return value.IsGraphOutput ? $"{value} is a graph output" : null;
    }

    /// <summary>
    /// Every output of the matched nodes other than <paramref name="root"/> is read only by matched nodes and is
    /// not a graph output, so replacing the match by new nodes loses no value anyone else needs.
    /// </summary>
    public static string? NotSharedOutside(Node root, params Node[] matched)
    {
        foreach (Node n in matched)
        {
            if (n == root)
            {
                continue;
            }

            foreach (Value? o in n.Outputs)
            {
                if (o is null)
                {
                    continue;
                }

                if (o.IsGraphOutput)
                {
                    return $"{o} (inside the match) is a graph output";
                }

                foreach (Use u in o.Uses)
                {
                    if (Array.IndexOf(matched, u.Node) < 0)
                    {
                        return $"{o} (inside the match) is also read by {u.Node.Describe()}";
                    }
                }
            }
        }

        return null;
    }

    public static string? OpsetAtLeast(Model model, long version)
    {
        long have = model.OpsetVersion() ?? 1;
        return have >= version ? null : $"the model imports opset {have}, the rewrite needs {version}";
    }

    /// <summary>The value has a known element type equal to <paramref name="type"/>.</summary>
    public static string? ElementTypeIs(Value value, ElementType type) =>
        value.ElementType == type ? null : $"{value} is {value.ElementType.OnnxName()}, not {type.OnnxName()}";

    /// <summary>The value has a known rank equal to <paramref name="rank"/>.</summary>
    public static string? RankIs(Value value, int rank)
    {
        if (value.Shape is not TensorShape s)
        {
            return $"the rank of {value} is unknown";
        }

        return s.Rank == rank ? null : $"{value} has rank {s.Rank}, not {rank}";
    }

    /// <summary>The node is in the default ONNX domain (rules match standard ops only).</summary>
    public static string? DefaultDomain(Node node) =>
        node.IsDefaultDomain ? null : $"{node.Describe()} is in domain '{node.Domain}'";

    /// <summary>
    /// Readers of <paramref name="replaced"/> can read <paramref name="replacement"/> instead without an extra
    /// Identity: when <paramref name="replaced"/> is a graph output, the replacement must be a node output of the
    /// same graph that is not a graph output itself, so it can take over the name.
    /// </summary>
    public static string? CanReplace(Value replaced, Value replacement)
    {
        if (replaced.IsGraphOutput && !(replacement.Producer is not null && replacement.Graph == replaced.Graph && !replacement.IsGraphOutput))
        {
            return $"{replaced} is a graph output that {replacement} cannot replace";
        }

        return null;
    }
}
