// Tests of the greedy rewrite driver: statistics, failure reasons under --debug-rewrites, disabling and the cap.
using Onnxc.GraphIR;
using Onnxc.Passes.Cleanup.NoOps;
using Onnxc.Passes.Pipelines;
using Onnxc.Passes.Rewriting;
using static Onnxc.Passes.Tests.TestGraphs;

namespace Onnxc.Passes.Tests.Rewriting;

public sealed class RewriteDriverTests
{
    private static Model IdentityChain(int length)
    {
        Model m = NewModel();
        Graph g = m.Graph;
        Value v = Op(g, "Relu", [Input(g, "x", 2)]);
        for (int i = 0; i < length; i++)
        {
            v = Op(g, "Identity", [v]);
        }

        Output(g, v, Float(2));
        return m;
    }

    [Fact]
    public void CountsAttemptsAndRewritesPerRule()
    {
        Model m = IdentityChain(3);
        PassContext context = Context();
        RewriteDriver.Run(m, [new IdentityElimination(), new CastElimination()], context);
        Assert.Equal(3, context.RewriteStatistics.AppliedCount("eliminate-identity"));
        Assert.Equal(0, context.RewriteStatistics.AppliedCount("eliminate-cast-to-same-type"));
        Assert.Contains("eliminate-identity", context.RewriteStatistics.Format(), StringComparison.Ordinal);
    }

    [Fact]
    public void DebugRewritesLogsAReasonForEveryFailedMatch()
    {
        Model m = NewModel();
        Graph g = m.Graph;
        Output(g, Op(g, "Identity", [Input(g, "x", 2)]), Float(2));
        var log = new StringWriter();
        RewriteDriver.Run(m, [new IdentityElimination()], Context(new PassOptions { DebugRewrites = true }, log));
        Assert.Contains("[rewrite] eliminate-identity at", log.ToString(), StringComparison.Ordinal);
        Assert.Contains("cannot replace", log.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void DebugRewritesEndsWithTheStatisticsTable()
    {
        Model m = IdentityChain(2);
        var log = new StringWriter();
        PassContext context = Context(new PassOptions { DebugRewrites = true }, log);
        new PassManager().Add(PassRegistry.NoOpElimination()).Run(m, context);
        string text = log.ToString();
        Assert.Matches(@"eliminate-identity\s+\d+\s+2", text);
    }

    [Fact]
    public void DisabledRulesDoNotRun()
    {
        Model m = IdentityChain(2);
        PassContext context = Context(new PassOptions { DisabledPasses = ["eliminate-identity"] });
        Assert.Equal(0, RewriteDriver.Run(m, [new IdentityElimination()], context));
        Assert.Equal(2, Count(m, "Identity"));
    }

    [Fact]
    public void SweepsAreCapped()
    {
        // Each sweep of a rule that rewrites its root into a fresh node of the same kind applies once per node;
        // the cap bounds the sweeps, so it terminates.
        Model m = IdentityChain(1);
        PassContext context = Context(new PassOptions { MaxRewriteIterations = 3 });
        int applied = RewriteDriver.Run(m, [new ReplaceIdentityWithIdentity()], context);
        Assert.Equal(3, applied);
    }

    private sealed class ReplaceIdentityWithIdentity : RewriteRule<Node>
    {
        public override string Name => "test-churn";

        public override string RootOpType => "Identity";

        protected override MatchOutcome<Node> Match(Node root, RewriteContext context) => root;

        protected override void Rewrite(Node match, RewriteContext context)
        {
            Node fresh = context.Graph.AddNode("Identity", [match.Inputs[0]], 1, before: match);
            context.Replace(match.Outputs[0]!, fresh.Outputs[0]!);
            context.RemoveIfDead(match);
        }
    }
}
