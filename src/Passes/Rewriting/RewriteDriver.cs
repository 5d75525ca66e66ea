// The greedy driver: sweeps the graphs, tries the rules rooted at each node, repeats until nothing applies or the cap.
namespace Onnxc.Passes.Rewriting;

public static class RewriteDriver
{
    /// <summary>
    /// Applies <paramref name="rules"/> to every graph of <paramref name="model"/> (subgraphs included) until a whole
    /// sweep applies none, or <see cref="PassOptions.MaxRewriteIterations"/> sweeps. Rules named in
    /// <see cref="PassOptions.DisabledPasses"/> are skipped. Returns how many rewrites were made.
    /// </summary>
    public static int Run(Model model, IReadOnlyList<RewriteRule> rules, PassContext context)
    {
        var byOp = new Dictionary<string, List<RewriteRule>>(StringComparer.Ordinal);
        foreach (RewriteRule r in rules)
        {
            if (context.IsDisabled(r.Name))
            {
                continue;
            }

            if (!byOp.TryGetValue(r.RootOpType, out List<RewriteRule>? list))
            {
                list = [];
                byOp.Add(r.RootOpType, list);
            }

            list.Add(r);
        }

        int applied = 0;
        foreach (Graph graph in PassScope.Graphs(model))
        {
            applied += RunGraph(graph, byOp, context);
        }

        return applied;
    }

    private static int RunGraph(Graph graph, Dictionary<string, List<RewriteRule>> byOp, PassContext context)
    {
        int applied = 0;
        var rewriteContext = new RewriteContext(graph, context);
        for (int sweep = 0; sweep < context.Options.MaxRewriteIterations; sweep++)
        {
            int before = applied;
            foreach (Node node in graph.Nodes.ToList())
            {
                if (node.IsRemoved || !node.IsDefaultDomain || !byOp.TryGetValue(node.OpType, out List<RewriteRule>? candidates))
                {
                    continue;
                }

                foreach (RewriteRule rule in candidates)
                {
                    string? failure = rule.TryApply(node, rewriteContext);
                    context.RewriteStatistics.For(rule.Name).Record(failure);
                    if (failure is null)
                    {
                        applied++;
                        if (context.Options.DebugRewrites)
                        {
                            context.Log.WriteLine($"[rewrite] {rule.Name} at {node.Describe()}: applied");
                        }

                        break; // the root may be gone; later rules see it on the next sweep
                    }

                    if (context.Options.DebugRewrites)
                    {
                        context.Log.WriteLine($"[rewrite] {rule.Name} at {node.Describe()}: {failure}");
                    }
                }
            }

            if (applied == before)
            {
                break;
            }
        }

        return applied;
    }
}
