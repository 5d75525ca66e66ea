// Raises a model's default-domain opset, rewriting each node whose operator changed on the way.
using Onnxc.GraphIR;

namespace Onnxc.Passes.Opset;

/// <summary>
/// Upgrades the default ONNX domain of a model from its opset to a higher one, one version step at a time. At each
/// step, every node whose operator was redefined at that version is either unchanged (the new definition accepts the
/// old node with the same meaning: new types, new optional inputs or attributes whose defaults keep the old
/// behaviour, negative axes), rewritten by an adapter (attributes that became inputs, changed defaults, renamed or
/// replaced operators), or refused with a clear error when no rule exists. Nodes in If/Loop/Scan bodies are
/// upgraded too; model-local functions keep their own opset imports.
/// </summary>
public static class OpsetUpgrader
{
    /// <summary>Upgrades <paramref name="model"/> in place and returns what was rewritten.</summary>
    /// <exception cref="InvalidModelException">An operator on the way has no upgrade rule.</exception>
    public static OpsetUpgradeResult Upgrade(Model model, long targetOpset)
    {
        long from = model.OpsetVersion("") ?? throw new InvalidModelException("the model imports no default-domain opset to upgrade");
        if (targetOpset > OperatorHistory.MaxOpset)
        {
            throw new InvalidModelException($"--opset {targetOpset}: onnxc knows the default-domain operators up to opset {OperatorHistory.MaxOpset}");
        }

        if (targetOpset < from)
        {
            throw new InvalidModelException($"--opset {targetOpset} is below the model's opset {from}; onnxc only upgrades");
        }

        var rewritten = new List<string>();
        CheckAll(model, from, targetOpset);
        for (long version = from + 1; version <= targetOpset; version++)
        {
            foreach (Graph graph in model.Graph.SelfAndSubgraphs().ToList())
            {
                foreach (Node node in graph.Nodes.ToList())
                {
                    if (node.IsRemoved || !node.IsDefaultDomain || !OperatorHistory.Versions(node.OpType).Contains((int)version))
                    {
                        continue;
                    }

                    string? done = OpsetAdapters.Apply(node, (int)version);
                    if (done is not null)
                    {
                        rewritten.Add($"{node.Describe()}: {done} (opset {version})");
                    }
                }
            }
        }

        model.SetOpset("", targetOpset);
        return new OpsetUpgradeResult(from, targetOpset, rewritten);
    }

    /// <summary>Refuses up front, before anything changes, when some node has a step with no rule.</summary>
    private static void CheckAll(Model model, long from, long to)
    {
        foreach (Graph graph in model.Graph.SelfAndSubgraphs())
        {
            foreach (Node node in graph.Nodes)
            {
                if (!node.IsDefaultDomain)
                {
                    continue;
                }

                if (!OperatorHistory.IsKnown(node.OpType))
                {
                    throw new InvalidModelException($"no rule to upgrade operator {node.OpType}: it is not a default-domain operator onnxc knows", node: node.Describe());
                }

                foreach (int version in OperatorHistory.Versions(node.OpType))
                {
                    if (version > from && version <= to && OpsetAdapters.Check(node, version) is { } why)
                    {
                        throw new InvalidModelException($"cannot upgrade {node.OpType} to opset {version}: {why}", node: node.Describe());
                    }
                }
            }
        }
    }
}
