// --prune-sensitivity's table: one row per prunable layer, each pruned alone on a copy, the model left as it was.
using Onnxc.GraphIR;
using Onnxc.GraphIR.Analysis;
using Onnxc.Passes.Pruning;

namespace Onnxc.Passes.Tests.Pruning;

public sealed class PruningSensitivityTests
{
    private static readonly PruningOptions Ranking = new() { ChannelMultiple = 2, MinChannels = 2 };

    /// <summary>The "accuracy" here is the share of the model's MACs kept, so each drop is known exactly.</summary>
    [Fact]
    public void EachLayerIsPrunedAloneAndTheModelIsUnchanged()
    {
        var b = new CnnBuilder(3, 6, 6);
        Value a = b.Relu(b.Conv(b.X, 8, 3, pad: 1));
        Value c = b.Relu(b.Conv(a, 4, 3, pad: 1));
        b.Finish(b.Conv(c, 2, 1));
        long macs = MacCounter.Count(b.Graph).Total;
        int nodes = b.Graph.Nodes.Count;
        double Kept(Model m) => 100.0 * MacCounter.Count(m.Graph).Total / macs;

        SensitivityTable table = PruningSensitivity.Measure(b.Model, Ranking, [0.25, 0.5, 0.75], Kept);

        Assert.Equal(100, table.BaselineTop1);
        Assert.Equal(2, table.Layers.Count); // the last conv's outputs are the graph's: frozen
        LayerSensitivity first = table.Layers[0];
        Assert.Equal(8, first.Channels);
        Assert.Equal(4, table.Layers[1].Channels);
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(100 * first.MacsSaved[i], first.Drops[i]!.Value, 6);
        }

        // 4 channels at a multiple of 2 and a minimum of 2: 0.25 keeps all four (3 rounds up to 4), so no row value.
        Assert.Null(table.Layers[1].Drops[0]);
        Assert.True(first.Drops[2] > first.Drops[1] && first.Drops[1] > first.Drops[0]);
        Assert.Equal(macs, MacCounter.Count(b.Graph).Total);
        Assert.Equal(nodes, b.Graph.Nodes.Count);
        string[] lines = [.. table.Describe()];
        Assert.StartsWith("  layer ", lines[0], StringComparison.Ordinal);
        Assert.EndsWith("  channels  drop@0.25   drop@0.5  drop@0.75  MACs@0.75", lines[0], StringComparison.Ordinal);
        Assert.Equal(3, lines.Length);
    }

    [Fact]
    public void RatiosOutsideZeroOneAndNothingPrunableAreRefused()
    {
        var b = new CnnBuilder(3, 4, 4);
        b.Finish(b.Conv(b.Relu(b.Conv(b.X, 8, 3)), 2, 1));
        Assert.Throws<PruningException>(() => PruningSensitivity.Measure(b.Model, Ranking, [0.5, 1.0], _ => 0));
        var single = new CnnBuilder(3, 4, 4);
        single.Finish(single.Conv(single.X, 8, 3));
        var e = Assert.Throws<PruningException>(() => PruningSensitivity.Measure(single.Model, Ranking, [0.5], _ => 0));
        Assert.StartsWith("nothing to prune", e.Message, StringComparison.Ordinal);
    }
}
