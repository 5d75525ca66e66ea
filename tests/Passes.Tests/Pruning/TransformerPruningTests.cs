// Structured pruning of a vision transformer: whole attention heads (Q, K, V columns, output-projection rows and the
// Reshape targets) and MLP hidden units on the tokens' last axis, in both LayerNorm forms; the pruned model equals
// the original with the removed channels' consumer rows zeroed.
using Onnxc.GraphIR;
using Onnxc.GraphIR.Analysis;
using Onnxc.Passes.Pruning;
using Onnxc.Passes.Training.Networks;

namespace Onnxc.Passes.Tests.Pruning;

public sealed class TransformerPruningTests
{
    private static readonly VitShape s_shape = new(Channels: 3, ImageSize: 8, Patch: 4, Dim: 32, Heads: 4, Depth: 2, MlpDim: 48, Classes: 5);

    /// <summary>A transformer with weights large enough (σ 0.4) that attention is far from uniform.</summary>
    private static Model Vit(long opset)
    {
        Model m = VisionTransformer.Build(s_shape, seed: 3, opset: opset);
        foreach (Value w in m.Graph.Initializers.Where(v => v.Name.EndsWith(".weight", StringComparison.Ordinal)).ToList())
        {
            m.Graph.SetInitializer(w, TensorData.FromFloats([.. w.Initializer!.Dims], [.. w.Initializer.ToFloats().Select(x => x * 20)]));
        }

        ShapeInference.Run(m);
        return m;
    }

    private static long[] Dims(Model m, string initializer) => [.. m.Graph.FindValue(initializer)!.Initializer!.Dims];

    [Theory]
    [InlineData(13)]
    [InlineData(17)]
    public void HeadsAndMlpUnitsAreTheGroups(long opset)
    {
        ChannelGroups groups = ChannelGroups.Analyze(Vit(opset).Graph);
        ChannelGroup[] open = [.. groups.Groups.Where(g => !g.IsFrozen)];
        // Per block: 4 heads of width 8 (each over Q, K and V), and 48 MLP hidden units.
        Assert.Equal(2 * 4, open.Count(g => g.IsHead && g.Width == 8));
        Assert.Equal(2 * 48, open.Count(g => !g.IsHead && g.Width == 1));
        Assert.Equal(2 * (4 + 48), open.Length);
        ChannelGroup head = open.First(g => g.IsHead);
        Assert.Equal(3, head.Members.Where(m => m.Value.Producer?.OpType == "MatMul" && m.Value.Producer.Input(1)!.IsInitializer).Select(m => m.Value).Distinct().Count());
        // The residual stream reaches LayerNorm, the pooled classifier and the patch embedding: frozen.
        Assert.Contains(groups.Groups, g => g.IsFrozen && g.Members.Any(m => m.Value.Producer?.Name == "block1.attn.proj"));
    }

    [Theory]
    [InlineData(13)]
    [InlineData(17)]
    public void PrunedTransformerEqualsTheZeroedOriginal(long opset)
    {
        Model m = Vit(opset);
        var half = new PruningOptions { Ratio = 0.5 }; // the defaults: multiples of 8 channels, so whole heads of 8
        int removed = ChannelPrunerTests.AssertPrunedEqualsZeroed(m, half, rtol: 1e-3);
        Assert.Equal(2 * (2 + 24), removed);
        foreach (string block in new[] { "block1", "block2" })
        {
            Assert.Equal([32, 16], Dims(m, $"{block}.attn.q.weight"));
            Assert.Equal([32, 16], Dims(m, $"{block}.attn.k.weight"));
            Assert.Equal([32, 16], Dims(m, $"{block}.attn.v.weight"));
            Assert.Equal([16], Dims(m, $"{block}.attn.q.bias"));
            Assert.Equal([16, 32], Dims(m, $"{block}.attn.proj.weight"));
            Assert.Equal([32, 24], Dims(m, $"{block}.mlp.fc1.weight"));
            Assert.Equal([24, 32], Dims(m, $"{block}.mlp.fc2.weight"));
            Node split = m.Graph.Nodes.Single(n => n.Name == $"{block}.attn.q.split");
            Assert.Equal([0, 4, 2, 8], ConstantValues.TryGetInts(split.Input(1))!);
            Node merge = m.Graph.Nodes.Single(n => n.Name == $"{block}.attn.merge.reshape");
            Assert.Equal([0, 4, 16], ConstantValues.TryGetInts(merge.Input(1))!);
        }
    }

    [Fact]
    public void FlopsTargetPrunesHeadsAndUnits()
    {
        Model m = Vit(17);
        long before = MacCounter.Count(m.Graph).Total;
        PruningResult r = ChannelPruner.Prune(m, new PruningOptions { FlopsReduction = 0.4 });
        Assert.True(1 - ((double)r.MacsAfter.Total / before) >= 0.4, $"{r.MacsAfter.Total} of {before} MACs left");
        Assert.Contains(r.Plan.Removed, g => g.IsHead);
        Assert.Contains(r.Describe(), line => line.StartsWith("attention heads: ", StringComparison.Ordinal));
    }

    [Fact]
    public void SoftmaxOverTheHeadsFreezesThem()
    {
        Model m = Vit(17);
        foreach (Node softmax in m.Graph.Nodes.Where(n => n.OpType == "Softmax").ToList())
        {
            m.Graph.SetAttribute(softmax, NodeAttribute.Of("axis", 1L));
        }

        ChannelGroups groups = ChannelGroups.Analyze(m.Graph);
        Assert.DoesNotContain(groups.Groups, g => !g.IsFrozen && g.IsHead);
        Assert.Contains(groups.Groups, g => g.FrozenReason?.Contains("Softmax node 'block1.attn.softmax' normalises over a channel axis", StringComparison.Ordinal) == true);
        Assert.Equal(2 * 48, groups.Groups.Count(g => !g.IsFrozen)); // the MLP units still go
    }
}
