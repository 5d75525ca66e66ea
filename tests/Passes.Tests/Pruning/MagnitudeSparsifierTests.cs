// Magnitude sparsity: exact counts, the 2:4 pattern along the right axis, global thresholds, what is left dense and
// why, and zeros that stay zero through training steps.
using Onnxc.Evaluation.Data;
using Onnxc.GraphIR;
using Onnxc.Passes.Pruning;
using Onnxc.Passes.Training;
using Onnxc.Passes.Training.Optimizers;

namespace Onnxc.Passes.Tests.Pruning;

public sealed class MagnitudeSparsifierTests
{
    private static readonly SparsityOptions TwoOfFour = new() { Pattern = SparsityPattern.TwoOfFour };

    [Fact]
    public void TwoOfFourZeroesTheTwoSmallestOfEveryFourInputChannels()
    {
        var b = new CnnBuilder(8, 6, 6);
        Value h = b.Relu(b.Conv(b.X, 12, 3, pad: 1));
        b.Finish(b.Gemm(b.Flatten(b.Op("GlobalAveragePool", h)), 5));
        Graph g = b.Model.Graph;
        Node conv = g.Nodes.Single(n => n.OpType == "Conv");
        Node gemm = g.Nodes.Single(n => n.OpType == "Gemm");
        float[] convBefore = conv.Input(1)!.Initializer!.ToFloats();
        float[] gemmBefore = gemm.Input(1)!.Initializer!.ToFloats();

        SparsityReport report = MagnitudeSparsifier.Sparsify(b.Model, TwoOfFour);

        // Conv W [12, 8, 3, 3]: the groups of four run along axis 1, nine elements apart.
        AssertTwoOfFour(convBefore, conv.Input(1)!.Initializer!.ToFloats(), outer: 12, channels: 8, inner: 9);
        // Gemm with transB: B [5, 12], the input features are axis 1, adjacent.
        AssertTwoOfFour(gemmBefore, gemm.Input(1)!.Initializer!.ToFloats(), outer: 5, channels: 12, inner: 1);
        Assert.Equal(0.5, report.Layers.Single(l => l.Node == conv.Name).Sparsity);
        Assert.Equal((12 * 8 * 9 / 2) + (5 * 12 / 2), report.Zeros);
        Assert.Equal([conv.Input(1)!.Name, gemm.Input(1)!.Name], report.SparsifiedWeights);
        Assert.Equal(5, gemm.Input(2)!.Initializer!.ToFloats().Count(v => v != 0)); // biases are never touched
    }

    [Fact]
    public void MatMulWeightGroupsRunDownItsRows()
    {
        var b = new CnnBuilder(1, 2, 4);
        Value flat = b.Flatten(b.X);
        Value w = TestGraphs.Random(b.Graph, "w_mm", b.Rng, 8, 3);
        float[] before = w.Initializer!.ToFloats();
        b.Finish(b.Op("MatMul", flat, w));
        MagnitudeSparsifier.Sparsify(b.Model, TwoOfFour);
        // MatMul B [K = 8, N = 3]: groups along K, N apart; outer is 1.
        AssertTwoOfFour(before, b.Graph.FindValue("w_mm")!.Initializer!.ToFloats(), outer: 1, channels: 8, inner: 3);
    }

    [Fact]
    public void TwoOfFourLeavesDepthwiseAndOddChannelCountsDenseAndSaysWhy()
    {
        var b = new CnnBuilder(3, 6, 6);
        Value a = b.Relu(b.Conv(b.X, 8, 3, pad: 1));          // 3 input channels
        Value dw = b.Relu(b.Conv(a, 8, 3, pad: 1, group: 8)); // depthwise
        b.Finish(b.Conv(dw, 4, 1));                          // 8 input channels: sparsified
        SparsityReport report = MagnitudeSparsifier.Sparsify(b.Model, TwoOfFour);
        Assert.Equal(["3 input channels, not a multiple of 4", "depthwise (one input channel per group)", null],
            report.Layers.Select(l => l.Skipped));
        Assert.Equal(0, report.Layers[0].Zeros);
        Assert.Equal(16, report.Layers[2].Zeros);
        Assert.Contains("sparsity (2:4): 16 of 320 weights are zero (5.00%) in 1 of 3 layers", report.Describe().Last(), StringComparison.Ordinal);
    }

    [Fact]
    public void UnstructuredZeroesExactlyTheShareOfTheSmallestPerLayer()
    {
        var b = new CnnBuilder(3, 6, 6);
        Value a = b.Relu(b.Conv(b.X, 10, 3, pad: 1));
        b.Finish(b.Conv(a, 7, 3));
        Node[] convs = [.. b.Graph.Nodes.Where(n => n.OpType == "Conv")];
        float[][] before = [.. convs.Select(c => c.Input(1)!.Initializer!.ToFloats())];
        MagnitudeSparsifier.Sparsify(b.Model, new SparsityOptions { Sparsity = 0.7 });
        for (int i = 0; i < convs.Length; i++)
        {
            float[] after = convs[i].Input(1)!.Initializer!.ToFloats();
            int zeros = after.Count(v => v == 0);
            Assert.Equal((int)Math.Round(0.7 * before[i].Length), zeros);
            float largestZeroed = before[i].Where((_, j) => after[j] == 0).Max(Math.Abs);
            float smallestKept = before[i].Where((_, j) => after[j] != 0).Min(Math.Abs);
            Assert.True(largestZeroed <= smallestKept, $"conv {i}: zeroed |w| {largestZeroed} above kept {smallestKept}");
            Assert.All(after.Where(v => v != 0), v => Assert.Contains(v, before[i])); // the kept values are unchanged
        }
    }

    [Fact]
    public void GlobalUsesOneThresholdAcrossLayers()
    {
        var b = new CnnBuilder(3, 6, 6);
        Value a = b.Relu(b.Conv(b.X, 10, 3, pad: 1));
        Value big = b.Conv(a, 7, 3);
        b.Finish(big);
        Value w2 = big.Producer!.Input(1)!;
        // Make the second layer's weights ten times larger: a global threshold takes most zeros from the first.
        b.Graph.SetInitializer(w2, TensorData.FromFloats(w2.Initializer!.Dims.AsSpan(), [.. w2.Initializer!.ToFloats().Select(v => v * 10)]));
        SparsityReport report = MagnitudeSparsifier.Sparsify(b.Model, new SparsityOptions { Sparsity = 0.25, Global = true });
        Assert.Equal((long)Math.Round(0.25 * report.Elements), report.Zeros); // 225 of 270 + 630; per layer both would be 25 %
        Assert.True(report.Layers[0].Sparsity > 0.5, $"first layer {report.Layers[0].Sparsity:P1}");
        Assert.True(report.Layers[1].Sparsity < 0.15, $"second layer {report.Layers[1].Sparsity:P1}");
    }

    [Fact]
    public void ExcludedLayersStayDenseAndUnknownNamesAreRefused()
    {
        var b = new CnnBuilder(4, 4, 4);
        Value a = b.Relu(b.Conv(b.X, 8, 3, pad: 1));
        b.Finish(b.Conv(a, 4, 1));
        string first = b.Graph.Nodes.First(n => n.OpType == "Conv").Name;
        SparsityReport report = MagnitudeSparsifier.Sparsify(b.Model, TwoOfFour with { Exclude = [first] });
        Assert.Equal("excluded", report.Layers[0].Skipped);
        Assert.Equal(0, report.Layers[0].Zeros);
        Assert.Equal(16, report.Layers[1].Zeros);
        var e = Assert.Throws<PruningException>(() => MagnitudeSparsifier.Sparsify(b.Model, TwoOfFour with { Exclude = ["nope"] }));
        Assert.Equal("--prune-exclude nope: the model has no node or tensor of that name", e.Message);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    [InlineData(double.NaN)]
    public void ShareOutsideZeroOneIsRefused(double share)
    {
        var b = new CnnBuilder(4, 4, 4);
        b.Finish(b.Conv(b.X, 4, 1));
        var e = Assert.Throws<PruningException>(() => MagnitudeSparsifier.Sparsify(b.Model, new SparsityOptions { Sparsity = share }));
        Assert.Contains("is outside (0, 1)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NothingThatTakesThePatternIsAnError()
    {
        var b = new CnnBuilder(3, 4, 4);
        b.Finish(b.Conv(b.X, 4, 1));
        var e = Assert.Throws<PruningException>(() => MagnitudeSparsifier.Sparsify(b.Model, TwoOfFour));
        Assert.Contains("nothing to sparsify", e.Message, StringComparison.Ordinal);
        Assert.Contains("3 input channels, not a multiple of 4", e.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// KeepZeros: after SGD steps with momentum and weight decay the sparsified weight still has exactly its zeros,
    /// while its other elements and the dense layer moved. The control run without it moves the zeros.
    /// </summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void TrainingKeepsTheZerosItIsToldToKeep(bool keep)
    {
        var b = new CnnBuilder(4, 4, 4);
        Value a = b.Relu(b.Conv(b.X, 8, 3, pad: 1));
        b.Finish(b.Gemm(b.Flatten(b.Op("GlobalAveragePool", a)), 3));
        SparsityReport report = MagnitudeSparsifier.Sparsify(b.Model, TwoOfFour);
        string conv = report.SparsifiedWeights[0];
        float[] sparse = b.Graph.FindValue(conv)!.Initializer!.ToFloats();
        var setup = new TrainingSetup
        {
            Optimizer = new OptimizerSettings { Kind = OptimizerKind.Sgd, Momentum = 0.9, WeightDecay = 0.01 },
            KeepZeros = keep ? report.SparsifiedWeights : [],
        };
        TrainingGraph graph = TrainingGraphBuilder.Build(b.Model, setup);
        using var session = new TrainingSession(graph, threads: 1);
        var rng = new Random(3);
        long[] dims = [2, 4, 4, 4];
        for (int step = 1; step <= 3; step++)
        {
            float[] x = [.. Enumerable.Range(0, 2 * 64).Select(_ => (float)((rng.NextDouble() * 2) - 1))];
            float[] targets = [1, 0, 0, 0, 0, 1];
            session.Step([new InputTensor("x", dims, x)], targets, null, 0f, [], OptimizerGraph.StepScalars(setup.Optimizer, 0.1, step));
        }

        int index = graph.Carried.Select((c, i) => (c, i)).Single(p => p.c.Input == conv).i;
        float[] trained = session.Read(index).ToFloats();
        int stillZero = trained.Where((v, i) => sparse[i] == 0 && v == 0).Count();
        int zeros = sparse.Count(v => v == 0);
        Assert.True(trained.Where((v, i) => sparse[i] != 0 && v != sparse[i]).Any(), "the kept weights did not train");
        if (keep)
        {
            Assert.Equal(zeros, stillZero);
            Assert.Equal(zeros, trained.Count(v => v == 0));
        }
        else
        {
            Assert.True(stillZero < zeros / 2, $"without KeepZeros {stillZero} of {zeros} zeros stayed zero");
        }
    }

    [Fact]
    public void KeepingTheZerosOfAnUntrainedTensorIsRefused()
    {
        var b = new CnnBuilder(4, 4, 4);
        b.Finish(b.Conv(b.X, 4, 1));
        var e = Assert.Throws<TrainingException>(() => TrainingGraphBuilder.Build(b.Model, new TrainingSetup { KeepZeros = ["nope"] }));
        Assert.Contains("'nope'", e.Message, StringComparison.Ordinal);
    }

    /// <summary>In every run of four along the channel axis exactly two are zero, and they are the two smallest.</summary>
    private static void AssertTwoOfFour(float[] before, float[] after, int outer, int channels, int inner)
    {
        Assert.Equal(outer * channels * inner, after.Length);
        for (int o = 0; o < outer; o++)
        {
            for (int c = 0; c < channels; c += 4)
            {
                for (int i = 0; i < inner; i++)
                {
                    int[] at = [.. Enumerable.Range(0, 4).Select(j => (((o * channels) + c + j) * inner) + i)];
                    int[] zeroed = [.. at.Where(p => after[p] == 0)];
                    Assert.Equal(2, zeroed.Length);
                    float largestZeroed = zeroed.Max(p => Math.Abs(before[p]));
                    Assert.All(at.Except(zeroed), p =>
                    {
                        Assert.Equal(before[p], after[p]);
                        Assert.True(Math.Abs(before[p]) >= largestZeroed, $"kept |{before[p]}| below zeroed {largestZeroed}");
                    });
                }
            }
        }
    }
}
