// Runs a single rewrite rule over a model the way the pipelines do, and exposes its statistics.
using Onnxc.GraphIR;
using Onnxc.Passes.Rewriting;

namespace Onnxc.Passes.Tests;

internal static class RuleRunner
{
    /// <summary>Applies <paramref name="rule"/> with the greedy driver; returns its statistics.</summary>
    public static RuleStatistics Apply(Model model, RewriteRule rule, PassOptions? options = null)
    {
        PassContext context = TestGraphs.Context(options);
        var pass = new RewritePass("test-" + rule.Name, "rule under test", OptLevel.O2, PassRequirements.None, [rule]);
        new PassManager().Add(pass).Run(model, context);
        return context.RewriteStatistics.For(rule.Name);
    }

    /// <summary>Asserts that the rule did not apply and that one of its failure reasons mentions <paramref name="reasonPart"/>.</summary>
    public static void AssertRejected(Model model, RewriteRule rule, string reasonPart)
    {
        long before = model.ChangeCount;
        RuleStatistics stats = Apply(model, rule);
        Assert.Equal(0, stats.Applied);
        Assert.Equal(before, model.ChangeCount);
        Assert.Contains(stats.Failures.Keys, k => k.Contains(reasonPart, StringComparison.Ordinal));
    }
}
