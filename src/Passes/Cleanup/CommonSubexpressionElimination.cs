// eliminate-common-subexpressions: merges nodes that compute the same op on the same inputs with the same attributes.
namespace Onnxc.Passes.Cleanup;

/// <summary>
/// Two nodes with equal op type, domain, input values (by identity) and attributes compute equal outputs (ONNX
/// ops are pure), so readers of the later one read the earlier one. In graph order a node is compared only with
/// earlier ones, whose outputs it may therefore use. Random ops, nodes with subgraphs and nodes whose outputs are
/// graph outputs are left alone.
/// </summary>
public sealed class CommonSubexpressionElimination : Pass
{
    private static readonly HashSet<string> s_nondeterministic = new(StringComparer.Ordinal)
    {
        "RandomNormal", "RandomNormalLike", "RandomUniform", "RandomUniformLike", "Multinomial", "Bernoulli",
    };

    public override string Name => "eliminate-common-subexpressions";

    public override string Description => "merge nodes computing the same op on the same inputs";

    public override void Run(Model model, PassContext context)
    {
        foreach (Graph graph in PassScope.Graphs(model))
        {
            var seen = new Dictionary<int, List<Node>>();
            foreach (Node node in graph.Nodes.ToList())
            {
                if (s_nondeterministic.Contains(node.OpType) || node.Subgraphs.Any() || node.Outputs.Any(o => o is { IsGraphOutput: true }))
                {
                    continue;
                }

                int key = KeyOf(node);
                if (!seen.TryGetValue(key, out List<Node>? bucket))
                {
                    seen.Add(key, [node]);
                    continue;
                }

                Node? same = bucket.FirstOrDefault(b => !b.IsRemoved && Equivalent(b, node));
                if (same is null)
                {
                    bucket.Add(node);
                    continue;
                }

                for (int i = 0; i < node.Outputs.Count; i++)
                {
                    if (node.Outputs[i] is Value o && same.Outputs[i] is Value s)
                    {
                        graph.ReplaceAllUsesWith(o, s);
                    }
                }

                if (node.Outputs.All(o => o is null || o.Uses.Count == 0))
                {
                    graph.RemoveNode(node);
                }
            }
        }
    }

    private static int KeyOf(Node n)
    {
        var h = new HashCode();
        h.Add(n.OpType);
        h.Add(n.Domain);
        foreach (Value? v in n.Inputs)
        {
            h.Add(v);
        }

        h.Add(n.Outputs.Count);
        return h.ToHashCode();
    }

    private static bool Equivalent(Node a, Node b)
    {
        if (a.OpType != b.OpType || a.Domain != b.Domain || !a.Inputs.SequenceEqual(b.Inputs) || a.Outputs.Count != b.Outputs.Count)
        {
            return false;
        }

        // An omitted output on one side and a present one on the other cannot be substituted.
        for (int i = 0; i < a.Outputs.Count; i++)
        {
            if ((a.Outputs[i] is null) != (b.Outputs[i] is null) && b.Outputs[i] is { Uses.Count: > 0 })
            {
                return false;
            }
        }

        return a.Attributes.Count == b.Attributes.Count
            && a.Attributes.All(x => b.Attribute(x.Name) is { } y && AttributeComparer.Equal(x, y));
    }
}
