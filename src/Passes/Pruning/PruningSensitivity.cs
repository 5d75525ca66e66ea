// --prune-sensitivity: how much accuracy each layer loses when it alone gives up a share of its channels.
using Onnxc.GraphIR;
using Onnxc.GraphIR.Analysis;

namespace Onnxc.Passes.Pruning;

/// <param name="Layer">The layer's name for people: its first producing node, "+N" for the tensors it shares channels with.</param>
/// <param name="Drops">Top-1 drop in points at each ratio of the table; null where the layer has no channel to spare at it.</param>
/// <param name="MacsSaved">Share of the model's MACs that pruning the layer alone removes, at each ratio.</param>
public sealed record LayerSensitivity(string Layer, int Channels, IReadOnlyList<double?> Drops, IReadOnlyList<double> MacsSaved);

public sealed record SensitivityTable(double BaselineTop1, IReadOnlyList<double> Ratios, IReadOnlyList<LayerSensitivity> Layers)
{
    /// <summary>The table for people: one row per layer, most sensitive at the largest ratio first.</summary>
    public IEnumerable<string> Describe()
    {
        var ci = System.Globalization.CultureInfo.InvariantCulture;
        int width = Math.Max(5, Layers.Count == 0 ? 0 : Layers.Max(l => l.Layer.Length));
        string ratios = string.Concat(Ratios.Select(r => string.Create(ci, $"{"drop@" + r.ToString("0.##", ci),11}")));
        string saved = string.Create(ci, $"{"MACs@" + Ratios[^1].ToString("0.##", ci),11}");
        yield return $"  {"layer".PadRight(width)}  channels{ratios}{saved}";
        foreach (LayerSensitivity l in Layers.OrderByDescending(l => l.Drops[^1] ?? double.NegativeInfinity).ThenBy(l => l.Layer, StringComparer.Ordinal))
        {
            string drops = string.Concat(l.Drops.Select(d => d is double v ? string.Create(ci, $"{v,11:F2}") : $"{"-",11}"));
            yield return string.Create(ci, $"  {l.Layer.PadRight(width)}  {l.Channels,8}{drops}{100 * l.MacsSaved[^1],10:F1}%");
        }
    }
}

/// <summary>
/// For every prunable layer and every ratio, prunes that layer alone on a copy of the model and measures top-1 with
/// <c>top1</c>: the per-layer table that says where channels are cheap (small drop) and where to
/// <c>--prune-exclude</c>. The model is not changed.
/// </summary>
public static class PruningSensitivity
{
    public static SensitivityTable Measure(Model model, PruningOptions options, IReadOnlyList<double> ratios, Func<Model, double> top1)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(top1);
        if (ratios.Count == 0 || ratios.Any(r => !(r > 0 && r < 1)))
        {
            throw new PruningException("sensitivity ratios must be between 0 and 1 (exclusive)");
        }

        ShapeInference.Run(model);
        long macs = MacCounter.Count(model.Graph).Total;
        double baseline = top1(model);
        ChannelGroups analysis = ChannelGroups.Analyze(model.Graph);
        IReadOnlyList<(string Key, int Channels)> keys = ChannelPruner.Layers(analysis, options);
        if (keys.Count == 0)
        {
            throw new PruningException("nothing to prune: no layer has a channel group that is not frozen or excluded");
        }

        var names = keys.ToDictionary(k => k.Key, k => LayerName(analysis, k.Key), StringComparer.Ordinal);
        var drops = keys.ToDictionary(k => k.Key, _ => new List<double?>(), StringComparer.Ordinal);
        var saved = keys.ToDictionary(k => k.Key, _ => new List<double>(), StringComparer.Ordinal);
        foreach (double ratio in ratios)
        {
            foreach ((string key, _) in keys)
            {
                // Groups hold the values of the model they were found in: analyse each copy afresh.
                Model copy = Training.TrainingGraphBuilder.Clone(model);
                ShapeInference.Run(copy);
                ChannelGroups groups = ChannelGroups.Analyze(copy.Graph);
                PruningPlan plan = ChannelPruner.LayerPlan(groups, options, key, ratio);
                if (plan.Removed.Count == 0)
                {
                    drops[key].Add(null);
                    saved[key].Add(0);
                    continue;
                }

                ChannelPruner.Apply(copy, groups, plan);
                drops[key].Add(baseline - top1(copy));
                saved[key].Add(1 - ((double)MacCounter.Count(copy.Graph).Total / macs));
            }
        }

        return new SensitivityTable(baseline, ratios, [.. keys.Select(k => new LayerSensitivity(names[k.Key], k.Channels, drops[k.Key], saved[k.Key]))]);
    }

    /// <summary>The first Conv/Gemm/MatMul producing one of the family's tensors, and how many other tensors share it.</summary>
    private static string LayerName(ChannelGroups groups, string key)
    {
        Value[] values = [.. groups.Groups.First(g => g.Family == key).Members.Select(m => m.Value).Distinct()];
        Node? producer = values.Select(v => v.Producer).FirstOrDefault(p => p is { OpType: "Conv" or "Gemm" or "MatMul" or "ConvTranspose" })
            ?? values.Select(v => v.Producer).FirstOrDefault(p => p is not null);
        string name = producer is null ? values[0].Name : string.IsNullOrEmpty(producer.Name) ? values[0].Name : producer.Name;
        int others = values.Count(v => v.Producer is { OpType: "Conv" or "Gemm" or "MatMul" or "ConvTranspose" }) - 1;
        return others > 0 ? $"{name} (+{others})" : name;
    }
}
