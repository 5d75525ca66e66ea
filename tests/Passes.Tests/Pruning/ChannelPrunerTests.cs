// Structured pruning on hand-made graphs, one per coupling kind: the pruned model equals the original with the
// removed channels' consumer columns zeroed, and the refusals say why.
using Onnxc.Evaluation.Data;
using Onnxc.GraphIR;
using Onnxc.GraphIR.Analysis;
using Onnxc.Passes.Pruning;
using Onnxc.Passes.Training;
using Onnxc.TestSupport;
using static Onnxc.Passes.Tests.TestGraphs;

namespace Onnxc.Passes.Tests.Pruning;

public sealed class ChannelPrunerTests
{
    private static readonly PruningOptions Half = new() { Ratio = 0.5, ChannelMultiple = 1, MinChannels = 1 };

    [Fact]
    public void ConvBatchNormReluChain()
    {
        var b = new CnnBuilder(16, 8, 8);
        Value h = b.Relu(b.BatchNorm(b.Conv(b.X, 12, 3, pad: 1)));
        b.Finish(b.Conv(h, 5, 1));
        int removed = AssertPrunedEqualsZeroed(b.Model, Half);
        Assert.Equal(6, removed);
        Assert.Equal(6, ConvOutChannels(b.Model, 0));
    }

    [Fact]
    public void ResidualAddMakesBothBranchesOneSet()
    {
        var b = new CnnBuilder(6, 8, 8);
        Value a = b.Relu(b.Conv(b.X, 10, 3, pad: 1));
        Value branch = b.Conv(b.Relu(b.Conv(a, 10, 3, pad: 1)), 10, 3, pad: 1);
        Value sum = b.Relu(b.Op("Add", a, branch));
        b.Finish(b.Gemm(b.Flatten(b.Op("GlobalAveragePool", sum)), 4));
        int removed = AssertPrunedEqualsZeroed(b.Model, Half);
        Assert.Equal(10, removed); // 5 of the residual stream's 10, 5 of the inner conv's 10
        ChannelGroups groups = ChannelGroups.Analyze(b.Model.Graph);
        Assert.Equal(4, groups.Groups.Count(g => g.IsFrozen)); // only the Gemm's outputs, which are the graph's
        Assert.Equal(10, groups.Groups.Count(g => !g.IsFrozen));
    }

    [Fact]
    public void ConcatOnTheChannelAxisKeepsOffsets()
    {
        var b = new CnnBuilder(3, 6, 6);
        Value left = b.Relu(b.Conv(b.X, 8, 3, pad: 1));
        Value right = b.Relu(b.Conv(b.X, 6, 1));
        Value cat = b.Op("Concat", [left, right], NodeAttribute.Of("axis", 1L));
        b.Finish(b.Conv(cat, 4, 3));
        Assert.Equal(7, AssertPrunedEqualsZeroed(b.Model, Half));
    }

    [Fact]
    public void DepthwiseConvShrinksItsGroups()
    {
        var b = new CnnBuilder(4, 8, 8);
        Value a = b.Relu(b.Conv(b.X, 12, 1));
        Value dw = b.Relu(b.Conv(a, 12, 3, pad: 1, group: 12));
        b.Finish(b.Conv(dw, 6, 1));
        Assert.Equal(6, AssertPrunedEqualsZeroed(b.Model, Half));
        Node depthwise = b.Model.Graph.Nodes.Where(n => n.OpType == "Conv").ElementAt(1);
        Assert.Equal(6, depthwise.GetInt("group", 1));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void SplitOnTheChannelAxisGetsTheKeptSizes(bool explicitSizes)
    {
        var b = new CnnBuilder(3, 6, 6);
        Value a = b.Relu(b.Conv(b.X, 12, 3, pad: 1));
        Value?[] inputs = explicitSizes ? [a, Ints(b.Graph, "sizes", 8, 4)] : [a];
        Node split = b.Graph.AddNode("Split", inputs, 2, [NodeAttribute.Of("axis", 1L)]);
        Value left = b.Conv(split.Outputs[0]!, 3, 1);
        Value right = b.Conv(split.Outputs[1]!, 3, 1);
        b.Finish(b.Op("Add", left, right));
        Assert.Equal(6, AssertPrunedEqualsZeroed(b.Model, Half)); // half of each side: 4 of [8], 2 of [4] (or 3 and 3)
        Node after = b.Graph.Nodes.Single(n => n.OpType == "Split");
        Assert.Equal(explicitSizes ? [4L, 2] : [3L, 3], ConstantValues.TryGetInts(after.Input(1)));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void SliceOnTheChannelAxisMovesItsBounds(bool int32Indices)
    {
        var b = new CnnBuilder(3, 6, 6);
        Value a = b.Relu(b.Conv(b.X, 10, 3, pad: 1));
        Value Index(string name, long v) => int32Indices
            ? b.Graph.AddInitializer(name, TensorData.FromInt32s([1], [(int)v])) : Ints(b.Graph, name, v);
        Value sliced = b.Graph.AddNode("Slice", [a, Index("starts", 2), Index("ends", 8), Index("axes", 1)]).Outputs[0]!;
        Value other = b.Conv(a, 4, 1); // a second reader of all ten channels
        b.Finish(b.Op("Add", b.Op("GlobalAveragePool", b.Conv(sliced, 4, 1)), b.Op("GlobalAveragePool", other)));
        Assert.Equal(5, AssertPrunedEqualsZeroed(b.Model, Half));
        Node slice = b.Graph.Nodes.Single(n => n.OpType == "Slice");
        long[] starts = ConstantValues.TryGetInts(slice.Input(1))!, ends = ConstantValues.TryGetInts(slice.Input(2))!;
        Assert.Equal(slice.Outputs[0]!.Shape![1].Value, ends[0] - starts[0]);
        Assert.Equal(int32Indices ? ElementType.Int32 : ElementType.Int64, slice.Input(1)!.ElementType);
    }

    [Fact]
    public void SliceWithAStrideOnTheChannelAxisFreezesIt()
    {
        var b = new CnnBuilder(3, 6, 6);
        Value a = b.Relu(b.Conv(b.X, 8, 3, pad: 1));
        Value sliced = b.Graph.AddNode("Slice", [a, Ints(b.Graph, "s", 0), Ints(b.Graph, "e", 8), Ints(b.Graph, "ax", 1), Ints(b.Graph, "st", 2)]).Outputs[0]!;
        b.Finish(b.Conv(sliced, 2, 1));
        ShapeInference.Run(b.Model);
        ChannelGroups groups = ChannelGroups.Analyze(b.Model.Graph);
        Assert.Contains(groups.Groups, g => g.FrozenReason?.Contains("slices the channel axis with a step other than 1", StringComparison.Ordinal) == true);
        Assert.Throws<PruningException>(() => ChannelPruner.Prune(b.Model, Half));
    }

    [Fact]
    public void FlattenIntoGemmRemovesBlocksOfFeatures()
    {
        var b = new CnnBuilder(2, 6, 6);
        Value a = b.Relu(b.Conv(b.X, 8, 3, stride: 2, pad: 1));
        b.Finish(b.Gemm(b.Flatten(a), 5));
        Assert.Equal(4, AssertPrunedEqualsZeroed(b.Model, Half));
        Node gemm = b.Model.Graph.Nodes.Single(n => n.OpType == "Gemm");
        Assert.Equal([5L, 4 * 9], gemm.Input(1)!.Initializer!.Dims.ToArray());
    }

    [Fact]
    public void ReshapeIntoMatMulRewritesTheTarget()
    {
        var b = new CnnBuilder(1, 4, 4);
        Value a = b.Relu(b.Conv(b.X, 6, 3, pad: 1));
        Value flat = b.Op("Reshape", a, Ints(b.Graph, "target", 2, 6 * 16));
        b.Finish(b.Op("MatMul", flat, Random(b.Graph, "w_mm", b.Rng, 6 * 16, 3)));
        Assert.Equal(3, AssertPrunedEqualsZeroed(b.Model, Half));
    }

    [Fact]
    public void ZeroChannelPadOnAResidualShortcut()
    {
        // ResNet option A: the shortcut subsamples and pads the channels with zeros to meet a wider branch.
        var b = new CnnBuilder(8, 8, 8);
        Value a = b.Relu(b.Conv(b.X, 8, 3, pad: 1));
        Value branch = b.Conv(b.Relu(b.Conv(a, 16, 3, stride: 2, pad: 1)), 16, 3, pad: 1);
        Value sub = b.Op("Slice", a, Ints(b.Graph, "st", 0, 0), Ints(b.Graph, "en", long.MaxValue, long.MaxValue), Ints(b.Graph, "ax", 2, 3), Ints(b.Graph, "sp", 2, 2));
        Value padded = b.Op("Pad", sub, Ints(b.Graph, "pads", 0, 4, 0, 0, 0, 4, 0, 0));
        Value sum = b.Relu(b.Op("Add", branch, padded));
        b.Finish(b.Gemm(b.Flatten(b.Op("GlobalAveragePool", sum)), 3));
        int removed = AssertPrunedEqualsZeroed(b.Model, Half);
        Assert.True(removed >= 8, $"{removed} groups removed");
        Node pad = b.Model.Graph.Nodes.Single(n => n.OpType == "Pad");
        long[] pads = ConstantValues.TryGetInts(pad.Input(1))!;
        Value x = pad.Inputs[0]!, y = pad.Outputs[0]!;
        Assert.Equal(y.Shape![1].Value, x.Shape![1].Value + pads[1] + pads[5]);
    }

    [Fact]
    public void PerChannelConstantsAreSliced()
    {
        var b = new CnnBuilder(3, 5, 5);
        Value a = b.Conv(b.X, 10, 3, pad: 1, bias: false);
        Value scaled = b.Op("Mul", a, Random(b.Graph, "scale", b.Rng, 10, 1, 1));
        Value shifted = b.Relu(b.Op("Add", scaled, Random(b.Graph, "shift", b.Rng, 1, 10, 1, 1)));
        b.Finish(b.Conv(shifted, 4, 1));
        Assert.Equal(5, AssertPrunedEqualsZeroed(b.Model, Half));
    }

    [Fact]
    public void ChannelMultipleAndMinimumRoundTheKeptCount()
    {
        var b = new CnnBuilder(3, 4, 4);
        b.Finish(b.Conv(b.Relu(b.Conv(b.X, 24, 3, pad: 1)), 4, 1));
        PruningResult r = ChannelPruner.Prune(b.Model, new PruningOptions { Ratio = 0.4, ChannelMultiple = 8, MinChannels = 8 });
        Assert.Equal(16, ConvOutChannels(b.Model, 0)); // 24·0.6 = 14.4 → 16
        Assert.True(r.MacsAfter.Total < r.MacsBefore.Total);
    }

    [Fact]
    public void FlopsTargetIsReached()
    {
        var b = new CnnBuilder(8, 8, 8);
        Value h = b.Relu(b.Conv(b.X, 32, 3, pad: 1));
        h = b.Relu(b.Conv(h, 32, 3, pad: 1));
        b.Finish(b.Conv(h, 8, 3, pad: 1));
        PruningResult r = ChannelPruner.Prune(b.Model, new PruningOptions { FlopsReduction = 0.5, ChannelMultiple = 1, MinChannels = 1 });
        double reduction = 1 - ((double)r.MacsAfter.Total / r.MacsBefore.Total);
        Assert.InRange(reduction, 0.5, 0.6);
        Assert.Equal(MacCounter.Count(b.Model.Graph).Total, r.MacsAfter.Total);
    }

    [Fact]
    public void FlopsTargetTakesTheLastCutThatOvershootsLeast()
    {
        // Eight of the first layer's 16 channels are nearly zero, so the ranking cuts them first; but that cut
        // (rows of the first conv, columns of the 3x3 second) removes 48% of the MACs, and a cut of eight of the
        // second layer's channels reaches the 30% goal with 34%.
        var b = new CnnBuilder(8, 8, 8);
        Value h = b.Relu(b.Conv(b.X, 16, 3, pad: 1));
        h = b.Relu(b.Conv(h, 16, 3, pad: 1));
        b.Finish(b.Conv(h, 8, 1));
        Node first = b.Model.Graph.Nodes.First(n => n.OpType == "Conv");
        float[] w = first.Input(1)!.Initializer!.ToFloats();
        for (int i = 0; i < w.Length / 2; i++)
        {
            w[i] *= 1e-3f;
        }

        b.Model.Graph.SetInitializer(first.Input(1)!, TensorData.FromFloats([16, 8, 3, 3], w));
        PruningResult r = ChannelPruner.Prune(b.Model, new PruningOptions { FlopsReduction = 0.3, ChannelMultiple = 8, MinChannels = 8 });
        double reduction = 1 - ((double)r.MacsAfter.Total / r.MacsBefore.Total);
        Assert.InRange(reduction, 0.3, 0.35);
        Assert.Equal(16, ConvOutChannels(b.Model, 0));
        Assert.Equal(8, ConvOutChannels(b.Model, 1));
    }

    [Fact]
    public void GlobalRankingPrunesTheWeakLayerMore()
    {
        var b = new CnnBuilder(4, 6, 6);
        Value strong = b.Relu(b.Conv(b.X, 16, 3, pad: 1));
        Value weak = b.Relu(b.Conv(strong, 16, 3, pad: 1));
        b.Finish(b.Conv(weak, 4, 1));
        // Half of the second layer's channels get tiny weights in and out (their rows in it, their columns in the
        // last conv): global ranking removes those before any of the first layer's.
        Node[] convs = [.. b.Model.Graph.Nodes.Where(n => n.OpType == "Conv")];
        float[] w = convs[1].Input(1)!.Initializer!.ToFloats();
        for (int i = 0; i < w.Length / 2; i++)
        {
            w[i] *= 1e-3f;
        }

        float[] last = convs[2].Input(1)!.Initializer!.ToFloats();
        for (int i = 0; i < last.Length; i++)
        {
            last[i] *= i % 16 < 8 ? 1e-3f : 1f;
        }

        b.Model.Graph.SetInitializer(convs[1].Input(1)!, TensorData.FromFloats([16, 16, 3, 3], w));
        b.Model.Graph.SetInitializer(convs[2].Input(1)!, TensorData.FromFloats([4, 16, 1, 1], last));
        ChannelPruner.Prune(b.Model, new PruningOptions { Ratio = 0.25, ChannelMultiple = 1, MinChannels = 1, Global = true });
        Assert.Equal(8, ConvOutChannels(b.Model, 1));
        Assert.Equal(16, ConvOutChannels(b.Model, 0));
    }

    [Fact]
    public void ExcludedLayerKeepsItsChannels()
    {
        var b = new CnnBuilder(3, 4, 4);
        Value a = b.Relu(b.Conv(b.X, 8, 3, pad: 1));
        b.Finish(b.Conv(b.Relu(b.Conv(a, 8, 3, pad: 1)), 2, 1));
        string first = b.Model.Graph.Nodes.First(n => n.OpType == "Conv").Name;
        ChannelPruner.Prune(b.Model, Half with { Exclude = [first] });
        Assert.Equal(8, ConvOutChannels(b.Model, 0));
        Assert.Equal(4, ConvOutChannels(b.Model, 1));
    }

    [Fact]
    public void RefusesAModelWithNothingPrunable()
    {
        var b = new CnnBuilder(3, 4, 4);
        b.Finish(b.Conv(b.X, 8, 3));
        var e = Assert.Throws<PruningException>(() => ChannelPruner.Prune(b.Model, Half));
        Assert.StartsWith("nothing to prune: every channel group is frozen (first: reaches the graph output", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ChannelSoftmaxFreezesItsChannels()
    {
        var b = new CnnBuilder(4, 4, 4);
        Value soft = b.Op("Softmax", [b.Relu(b.Conv(b.X, 6, 1))], NodeAttribute.Of("axis", 1L));
        b.Finish(b.Conv(soft, 2, 1));
        ShapeInference.Run(b.Model);
        ChannelGroups groups = ChannelGroups.Analyze(b.Model.Graph);
        Assert.Contains(groups.Groups, g => g.FrozenReason?.Contains("Softmax node", StringComparison.Ordinal) == true);
        Assert.Throws<PruningException>(() => ChannelPruner.Prune(b.Model, Half));
    }

    /// <summary>
    /// A grouped Conv's groups go whole (a group's outputs read only its inputs): removing one of three removes four
    /// input channels of the conv before it, four output rows, and the group count drops to 2; a channel
    /// multiplier (8 outputs from 4 depthwise groups) works the same way.
    /// </summary>
    [Fact]
    public void GroupedConvLosesWholeGroups()
    {
        var b = new CnnBuilder(4, 6, 6);
        Value a = b.Relu(b.Conv(b.X, 12, 1));
        Value grouped = b.Relu(b.Conv(a, 12, 3, pad: 1, group: 3));
        Value widened = b.Relu(b.Conv(b.Relu(b.Conv(grouped, 4, 1)), 8, 3, pad: 1, group: 4));
        b.Finish(b.Conv(widened, 5, 1));
        ShapeInference.Run(b.Model);
        ChannelGroups groups = ChannelGroups.Analyze(b.Model.Graph);
        Assert.Equal(3, groups.Groups.Count(g => !g.IsFrozen && g.Width == 4));
        Assert.Equal(4, groups.Groups.Count(g => !g.IsFrozen && g.Width == 2));

        Assert.Equal(1 + 2, AssertPrunedEqualsZeroed(b.Model, Half));
        Node[] convs = [.. b.Graph.Nodes.Where(n => n.OpType == "Conv")];
        Assert.Equal([8, 4, 3, 3], convs[1].Input(1)!.Initializer!.Dims.ToArray());
        Assert.Equal(2, convs[1].GetInt("group", 1));
        Assert.Equal(8, ConvOutChannels(b.Model, 0));
        Assert.Equal([4, 1, 3, 3], convs[3].Input(1)!.Initializer!.Dims.ToArray());
        Assert.Equal(2, convs[3].GetInt("group", 1));
    }

    /// <summary>
    /// An op without a channel rule (LRN mixes neighbouring channels) hands its output to a residual Add: the Add's
    /// other branch may not lose channels the LRN side keeps, so the whole set freezes with the LRN named.
    /// </summary>
    [Fact]
    public void AnOpWithoutARuleFreezesWhatItFeeds()
    {
        var b = new CnnBuilder(4, 4, 4);
        Value a = b.Relu(b.Conv(b.X, 8, 1));
        Value mixed = b.Op("LRN", [b.Conv(b.X, 8, 1)], NodeAttribute.Of("size", 3L));
        b.Finish(b.Conv(b.Op("Add", a, mixed), 2, 1));
        ShapeInference.Run(b.Model);
        ChannelGroups groups = ChannelGroups.Analyze(b.Model.Graph);
        ChannelGroup[] joined = [.. groups.Groups.Where(g => g.Members.Any(m => m.Value == a))];
        Assert.Equal(8, joined.Length);
        Assert.All(joined, g => Assert.Contains("LRN node", g.FrozenReason, StringComparison.Ordinal));
    }

    /// <summary>
    /// A channel with the largest weights whose ReLU never fires does nothing: Taylor (gradient × weight) scores it
    /// zero and removes it first, where L1 keeps it and removes a channel the output depends on.
    /// </summary>
    [Fact]
    public void TaylorRemovesADeadChannelThatL1Keeps()
    {
        using var dir = new TempDir();
        var b = new CnnBuilder(3, 4, 4);
        Value a = b.Relu(b.Conv(b.X, 4, 3, pad: 1));
        b.Finish(b.Flatten(b.Op("GlobalAveragePool", b.Conv(a, 2, 1))));
        Node conv1 = b.Graph.Nodes.First(n => n.OpType == "Conv");
        float[] w = conv1.Input(1)!.Initializer!.ToFloats();
        float[] bias = conv1.Input(2)!.Initializer!.ToFloats();
        for (int i = 0; i < 27; i++)
        {
            w[i] *= 10; // channel 0: the largest filter ...
        }

        bias[0] = -1000; // ... that never passes the ReLU
        b.Graph.SetInitializer(conv1.Input(1)!, TensorData.FromFloats([4, 3, 3, 3], w));
        b.Graph.SetInitializer(conv1.Input(2)!, TensorData.FromFloats([4], bias));
        var rng = new Random(2);
        NpyWriter.WriteFloat32(dir.File("images.npy"), [16, 3, 4, 4], [.. Enumerable.Range(0, 16 * 48).Select(_ => (float)rng.NextDouble())]);
        NpyWriter.WriteInt64(dir.File("labels.npy"), [16], [.. Enumerable.Range(0, 16).Select(i => (long)(i % 2))]);
        SampleSet data = SampleSet.Open(dir.File("images.npy"), [ModelInputSpec.Float32("x", -1, 3, 4, 4)], PreprocessOptions.None);
        IReadOnlyDictionary<string, float[]> gradients = GradientProbe.MeanGradients(b.Model, data, batches: 8, batchSize: 2, threads: 1);
        PruningOptions quarter = Half with { Ratio = 0.25 };

        float[] KeptBiases(PruningOptions options)
        {
            Model copy = TrainingGraphBuilder.Clone(b.Model);
            ChannelPruner.Prune(copy, options);
            return copy.Graph.Nodes.First(n => n.OpType == "Conv").Input(2)!.Initializer!.ToFloats();
        }

        Assert.Contains(-1000f, KeptBiases(quarter));
        Assert.DoesNotContain(-1000f, KeptBiases(quarter with { Criterion = PruningCriterion.Taylor, Gradients = gradients }));
        Assert.Throws<PruningException>(() => KeptBiases(quarter with { Criterion = PruningCriterion.Taylor }));
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    [InlineData(-0.2)]
    [InlineData(double.NaN)]
    public void RatioOutsideZeroOneIsRefused(double ratio)
    {
        var b = new CnnBuilder(3, 4, 4);
        b.Finish(b.Conv(b.Relu(b.Conv(b.X, 8, 3)), 2, 1));
        var e = Assert.Throws<PruningException>(() => ChannelPruner.Prune(b.Model, Half with { Ratio = ratio }));
        Assert.Contains("is outside (0, 1)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownExcludeIsRefused()
    {
        var b = new CnnBuilder(3, 4, 4);
        b.Finish(b.Conv(b.Relu(b.Conv(b.X, 8, 3)), 2, 1));
        var e = Assert.Throws<PruningException>(() => ChannelPruner.Prune(b.Model, Half with { Exclude = ["conv_nope"] }));
        Assert.Equal("--prune-exclude conv_nope: the model has no node or tensor of that name", e.Message);
    }

    /// <summary>
    /// Plans <paramref name="options"/>, zeroes the consumer columns of the planned channels in the original, prunes,
    /// and asserts ORT gives the same outputs; returns how many groups were removed.
    /// </summary>
    internal static int AssertPrunedEqualsZeroed(Model model, PruningOptions options, double rtol = 1e-4)
    {
        ShapeInference.Run(model);
        ChannelGroups groups = ChannelGroups.Analyze(model.Graph);
        PruningPlan plan = ChannelPruner.Plan(groups, options, options.Ratio!.Value);
        Assert.NotEmpty(plan.Removed);
        long macsBefore = MacCounter.Count(model.Graph).Total;
        ChannelPruner.ZeroConsumers(model, groups, plan);
        OrtCheck.AssertPreserved(model, m => ChannelPruner.Apply(m, groups, plan), rtol);
        Assert.True(MacCounter.Count(model.Graph).Total < macsBefore, "pruning removed no MACs");
        return plan.Removed.Count;
    }

    private static long ConvOutChannels(Model model, int index) =>
        model.Graph.Nodes.Where(n => n.OpType == "Conv").ElementAt(index).Input(1)!.Initializer!.Dims[0];
}
