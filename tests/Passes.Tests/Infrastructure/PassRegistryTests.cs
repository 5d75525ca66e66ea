// Tests of the registry and of the -O0/-O1/-O2 pipelines built from it.
using System.Text.RegularExpressions;
using Onnxc.Passes.Pipelines;
using Onnxc.Passes.Rewriting;

namespace Onnxc.Passes.Tests.Infrastructure;

public sealed partial class PassRegistryTests
{
    [GeneratedRegex("^[a-z0-9]+(-[a-z0-9]+)*$")]
    private static partial Regex KebabCase();

    [Fact]
    public void NamesAreUniqueAndKebabCase()
    {
        string[] names = [.. PassRegistry.Entries.Select(e => e.Name)];
        Assert.Equal(names.Length, names.Distinct().Count());
        Assert.All(names, n => Assert.Matches(KebabCase(), n));
    }

    [Fact]
    public void ListingShowsPassesAndTheirRules()
    {
        string text = PassRegistry.Describe();
        Assert.Contains("fold-constants", text, StringComparison.Ordinal);
        Assert.Contains("  fuse-conv-batchnorm", text, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownNamesAreRejectedWithAHint()
    {
        var e = Assert.Throws<ArgumentException>(() => PassPipelines.Build(OptLevel.O2, new PassOptions { DisabledPasses = ["fold-constant"] }));
        Assert.Contains("--list-passes", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => PassPipelines.Build(OptLevel.O1, new PassOptions { PrintIrAfter = IrPrintSelection.Parse("nope") }));
        Assert.Throws<ArgumentException>(() => PassPipelines.Build(OptLevel.O2, new PassOptions { PrintIrAfter = IrPrintSelection.Parse("fuse-conv-batchnorm") }));
    }

    [Fact]
    public void RulesCanBeDisabledByName()
    {
        static int BatchNorms(PassOptions options)
        {
            GraphIR.Model m = new Onnxc.Passes.Training.Networks.NetworkBuilder("x", 3, 6, 6, seed: 1).Conv(4, 3, bias: false).BatchNorm().Relu()
                .Flatten().Dense(2).Build();
            PassPipelines.Build(OptLevel.O2, options).Run(m, new PassContext(options));
            return m.Graph.Nodes.Count(n => n.OpType == "BatchNormalization");
        }

        // The rule runs by default and folds the BatchNormalization; disabled by its name, it leaves it alone.
        Assert.Equal(0, BatchNorms(PassOptions.Default));
        Assert.Equal(1, BatchNorms(new PassOptions { DisabledPasses = ["fuse-conv-batchnorm"] }));
    }

    [Fact]
    public void LevelsNest()
    {
        Assert.Empty(PassPipelines.Build(OptLevel.O0, PassOptions.Default).Passes);
        string[] o1 = [.. PassPipelines.Build(OptLevel.O1, PassOptions.Default).Passes.Select(p => p.Name)];
        string[] o2 = [.. PassPipelines.Build(OptLevel.O2, PassOptions.Default).Passes.Select(p => p.Name)];
        Assert.Contains("fold-constants", o1);
        Assert.DoesNotContain("fuse-local", o1);
        Assert.Contains("fuse-local", o2);
        Assert.All(o1, n => Assert.Contains(n, o2));
        Assert.All(PassPipelines.Build(OptLevel.O1, PassOptions.Default).Passes, p => Assert.True(p.Level <= OptLevel.O1));
    }

    [Fact]
    public void EveryRuleHasARootOp()
    {
        foreach (RewritePass p in PassRegistry.Passes.OfType<RewritePass>())
        {
            Assert.All(p.Rules, r => Assert.False(string.IsNullOrEmpty(r.RootOpType)));
        }
    }
}
