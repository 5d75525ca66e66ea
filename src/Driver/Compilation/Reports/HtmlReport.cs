// --report-html: the model before and after, side by side, as one self-contained page with its plots inline.
using System.Globalization;
using System.Net;
using System.Text;
using Onnxc.Evaluation;
using Onnxc.Passes.Quantization;

namespace Onnxc.Compilation.Reports;

/// <summary>What the page shows: the measurements, and for a compile the counts and what stayed float.</summary>
/// <param name="Title">The page's heading, e.g. "net.int8.onnx against net.onnx".</param>
/// <param name="Data">The labelled data the measurements ran on.</param>
/// <param name="Eval">The output (Model) measured against the original (Baseline), interleaved in one process.</param>
/// <param name="Counts">Parameters and MACs before and after, where known (compile only).</param>
/// <param name="Quantization">The quantizer's decisions (compile with INT8 only): what stayed float and why.</param>
/// <param name="Provider">The ONNX Runtime execution provider the measurements ran on.</param>
public sealed record HtmlReportData(string Title, string Data, EvalReport Eval, ModelCounts? Counts = null, CompileSummary? Quantization = null,
    ExecutionProvider Provider = ExecutionProvider.Cpu);

/// <summary>Parameters and batch-1 MACs of the original and the output; MACs null where shapes are unknown.</summary>
public sealed record ModelCounts(long ParametersBefore, long ParametersAfter, long? MacsBefore, long? MacsAfter);

/// <summary>
/// Writes the page: a table (size, parameters, MACs, latency p50/p90 at batch 1 and B, throughput, top-1/top-5,
/// session and peak memory), the --goal verdict, and plots made with ScottPlot as inline SVG (sizes, latencies,
/// the latency distribution of every timed run, top-1 per class, per-layer SQNR), then the nodes that stayed
/// float with the reason. No script, no external file: it opens offline. Written to a temporary file and renamed.
/// </summary>
public static class HtmlReport
{
    private static readonly CultureInfo s_ci = CultureInfo.InvariantCulture;
    private static readonly ScottPlot.Color s_before = ScottPlot.Color.FromHex("#8c8c8c");
    private static readonly ScottPlot.Color s_after = ScottPlot.Color.FromHex("#1f77b4");

    /// <summary>Writes the page to <paramref name="path"/>; a folder that cannot be written is a <see cref="FileAccessException"/>.</summary>
    public static void Write(string path, HtmlReportData report)
    {
        ArgumentNullException.ThrowIfNull(report);
        string html = Render(report);
        AtomicFile.WriteText(path, html, Encoding.UTF8, "the HTML report");
    }

    /// <summary>The page as text.</summary>
    public static string Render(HtmlReportData report)
    {
        ArgumentNullException.ThrowIfNull(report);
        EvalReport r = report.Eval;
        ModelMeasurement after = r.Model;
        ModelMeasurement? before = r.Baseline;
        var sb = new StringBuilder();
        sb.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>onnxc report: ").Append(Enc(report.Title)).Append("</title>\n")
          .Append("<style>body{font-family:sans-serif;margin:2em;max-width:1300px}table{border-collapse:collapse;margin:1em 0}")
          .Append("td,th{border:1px solid #ccc;padding:4px 10px;text-align:right}th:first-child,td:first-child{text-align:left}")
          .Append(".plots{display:flex;flex-wrap:wrap;gap:16px}.plot{border:1px solid #eee}.pass{color:#080}.fail{color:#b00}</style></head><body>\n")
          .Append("<h1>onnxc report: ").Append(Enc(report.Title)).Append("</h1>\n")
          .Append("<p>Measured in ONNX Runtime (").Append(report.Provider == ExecutionProvider.Cuda ? "CUDA provider" : "CPU provider").Append(") on ").Append(Enc(report.Data))
          .Append(after.Accuracy is { } acc ? $" ({acc.Samples.ToString(s_ci)} samples)" : "")
          .Append("; both models in one process, timed runs interleaved; latencies are medians (p50) and 90th percentiles.</p>\n");

        if (r.Goal is { } goal)
        {
            sb.Append("<p id=\"goal\" class=\"").Append(goal.Met ? "pass" : "fail").Append("\"><b>").Append(Enc(goal.Line)).Append("</b></p>\n");
        }

        Table(sb, report);
        sb.Append("<h2>Plots</h2>\n<div class=\"plots\">\n");
        foreach ((string id, string svg) in Plots(report))
        {
            sb.Append("<div class=\"plot\" id=\"").Append(id).Append("\">").Append(Inline(svg)).Append("</div>\n");
        }

        sb.Append("</div>\n");
        if (report.Quantization is { } q)
        {
            FloatNodes(sb, q);
        }

        sb.Append("<p><small>onnxc ").Append(Enc(typeof(HtmlReport).Assembly.GetName().Version?.ToString() ?? "")).Append("</small></p>\n</body></html>\n");
        return sb.ToString();
    }

    private static void Table(StringBuilder sb, HtmlReportData report)
    {
        EvalReport r = report.Eval;
        ModelMeasurement a = r.Model;
        ModelMeasurement? b = r.Baseline;
        sb.Append("<table id=\"summary\"><tr><th></th><th>original</th><th>output</th><th>ratio</th></tr>\n");
        void Row(string label, string? before, string after, string ratio) =>
            sb.Append("<tr><td>").Append(Enc(label)).Append("</td><td>").Append(Enc(before ?? "")).Append("</td><td>").Append(Enc(after))
              .Append("</td><td>").Append(Enc(ratio)).Append("</td></tr>\n");

        Row("file size (bytes)", b?.FileBytes.ToString("N0", s_ci), a.FileBytes.ToString("N0", s_ci), r.Ratios is { } rs ? $"{rs.Size.ToString("0.000", s_ci)}x" : "");
        if (report.Counts is { } c)
        {
            Row("parameters", c.ParametersBefore.ToString("N0", s_ci), c.ParametersAfter.ToString("N0", s_ci),
                $"{((double)c.ParametersAfter / Math.Max(1, c.ParametersBefore)).ToString("0.000", s_ci)}x");
            Row("MACs (batch 1)", c.MacsBefore?.ToString("N0", s_ci) ?? "unknown", c.MacsAfter?.ToString("N0", s_ci) ?? "unknown",
                c.MacsBefore is > 0 && c.MacsAfter is > 0 ? $"{((double)c.MacsBefore.Value / c.MacsAfter.Value).ToString("0.00", s_ci)}x fewer" : "");
        }

        Row("latency batch 1 p50 / p90 (ms)", b is null ? null : Pair(b.Batch1), Pair(a.Batch1), r.Ratios is { } r1 ? $"{r1.SpeedupBatch1.ToString("0.00", s_ci)}x speedup" : "");
        Row($"latency batch {a.BatchB.BatchSize.ToString(s_ci)} p50 / p90 (ms)", b is null ? null : Pair(b.BatchB), Pair(a.BatchB),
            r.Ratios is { } rb ? $"{rb.SpeedupBatchB.ToString("0.00", s_ci)}x speedup" : "");
        Row($"throughput at batch {a.BatchB.BatchSize.ToString(s_ci)} (samples/s)", b?.BatchB.Throughput.ToString("N0", s_ci), a.BatchB.Throughput.ToString("N0", s_ci), "");
        if (a.Accuracy is { } aa)
        {
            Row("top-1 (%)", b?.Accuracy?.Top1.ToString("F2", s_ci), aa.Top1.ToString("F2", s_ci), r.Ratios?.Top1Drop is double d ? $"drop {d.ToString("F2", s_ci)} points" : "");
            Row("top-5 (%)", b?.Accuracy?.Top5.ToString("F2", s_ci), aa.Top5.ToString("F2", s_ci), r.Ratios?.Top1Agreement is double ag ? $"top-1 agreement {ag.ToString("F2", s_ci)}%" : "");
        }

        Row("session memory (MiB)", b is null ? null : Mib(b.SessionMemoryBytes), Mib(a.SessionMemoryBytes), "");
        Row("peak process memory (MiB, both)", null, Mib(r.PeakProcessMemoryBytes), "");
        sb.Append("</table>\n");
    }

    private static IEnumerable<(string Id, string Svg)> Plots(HtmlReportData report)
    {
        EvalReport r = report.Eval;
        ModelMeasurement a = r.Model;
        ModelMeasurement? b = r.Baseline;
        string[] names = b is null ? ["output"] : ["original", "output"];
        ModelMeasurement[] models = b is null ? [a] : [b, a];

        yield return ("plot-size", Bars("File size", "KiB", names, [[.. models.Select(m => m.FileBytes / 1024.0)]], ["size"], colorByCategory: true));
        yield return ("plot-latency", Bars("Latency (p50)", "ms", ["batch 1", $"batch {a.BatchB.BatchSize.ToString(s_ci)}"],
            [.. models.Select(m => new[] { m.Batch1.P50Ms, m.BatchB.P50Ms })], names));
        yield return ("plot-distribution", Distribution($"Latency of every timed run, batch {a.BatchB.BatchSize.ToString(s_ci)}", models, names));
        if (a.Accuracy is { Labels.Length: > 0 } acc)
        {
            SortedDictionary<long, double> after = acc.Top1PerClass();
            string[] classes = [.. after.Keys.Select(k => k.ToString(s_ci))];
            SortedDictionary<long, double>? before = b?.Accuracy?.Top1PerClass();
            double[][] series = before is not null
                ? [[.. after.Keys.Select(k => before.GetValueOrDefault(k))], [.. after.Values]]
                : [[.. after.Values]];
            yield return ("plot-classes", Bars("Top-1 per class", "%", classes, series, names));
        }

        if (r.Layers is { Count: > 0 } layers)
        {
            yield return ("plot-sqnr", Sqnr(layers));
        }
    }

    /// <summary>
    /// Grouped bars: one group per category, one bar per series (original grey, output blue). With
    /// <paramref name="colorByCategory"/> (one series whose categories are the models) the last bar is blue, the others grey.
    /// </summary>
    private static string Bars(string title, string unit, string[] categories, double[][] series, string[] seriesNames, bool colorByCategory = false)
    {
        var plot = new ScottPlot.Plot();
        int n = series.Length;
        double width = 0.8 / n;
        for (int s = 0; s < n; s++)
        {
            ScottPlot.Color color = n == 1 || s == n - 1 ? s_after : s_before;
            var bars = categories.Select((_, c) => new ScottPlot.Bar
            {
                Position = c + (s - (n - 1) / 2.0) * width,
                Value = series[s][c],
                Size = width * 0.95,
                FillColor = colorByCategory ? (c == categories.Length - 1 ? s_after : s_before) : color,
            }).ToList();
            ScottPlot.Plottables.BarPlot plottable = plot.Add.Bars(bars);
            if (!colorByCategory)
            {
                plottable.LegendText = seriesNames[Math.Min(s, seriesNames.Length - 1)];
            }
        }

        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            [.. categories.Select((_, i) => (double)i)], categories);
        plot.Axes.Margins(bottom: 0);
        plot.Title(title);
        plot.YLabel(unit);
        if (n > 1)
        {
            plot.ShowLegend();
        }

        return plot.GetSvgXml(Math.Max(420, 60 * categories.Length * n), 320);
    }

    /// <summary>A histogram per model of the timed runs' milliseconds, on shared bins.</summary>
    private static string Distribution(string title, ModelMeasurement[] models, string[] names)
    {
        var plot = new ScottPlot.Plot();
        double[] all = [.. models.SelectMany(m => m.BatchB.Timings)];
        if (all.Length > 0)
        {
            double lo = all.Min(), hi = all.Max();
            int bins = 20;
            double step = Math.Max((hi - lo) / bins, 1e-6);
            for (int s = 0; s < models.Length; s++)
            {
                double[] counts = new double[bins];
                foreach (double t in models[s].BatchB.Timings)
                {
                    counts[Math.Min(bins - 1, (int)((t - lo) / step))]++;
                }

                ScottPlot.Color color = s == models.Length - 1 ? s_after : s_before;
                var bars = counts.Select((c, i) => new ScottPlot.Bar
                {
                    Position = lo + (i + 0.5) * step,
                    Value = c,
                    Size = step * 0.9,
                    FillColor = color.WithAlpha(0.6),
                }).ToList();
                plot.Add.Bars(bars).LegendText = names[s];
            }
        }

        plot.Axes.Margins(bottom: 0);
        plot.Title(title);
        plot.XLabel("ms");
        plot.YLabel("runs");
        plot.ShowLegend();
        return plot.GetSvgXml(560, 320);
    }

    /// <summary>Per-layer SQNR of the output's activations against the original's (--compare), in graph order.</summary>
    private static string Sqnr(IReadOnlyList<LayerSqnr> layers)
    {
        var plot = new ScottPlot.Plot();
        var bars = layers.Select((l, i) => new ScottPlot.Bar
        {
            Position = i,
            Value = double.IsFinite(l.SqnrDb) ? l.SqnrDb : 0,
            FillColor = s_after,
        }).ToList();
        plot.Add.Bars(bars);
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            [.. layers.Select((_, i) => (double)i)], [.. layers.Select(l => l.Tensor.Length > 14 ? l.Tensor[..14] : l.Tensor)]);
        plot.Axes.Bottom.TickLabelStyle.Rotation = 45;
        plot.Axes.Bottom.TickLabelStyle.Alignment = ScottPlot.Alignment.MiddleLeft;
        plot.Axes.Margins(bottom: 0);
        plot.Title("Per-layer SQNR against the original");
        plot.YLabel("dB");
        return plot.GetSvgXml(Math.Max(560, 28 * layers.Count), 380);
    }

    private static void FloatNodes(StringBuilder sb, CompileSummary q)
    {
        NodeDecision[] kept = [.. q.Nodes.Where(n => !n.Quantized)];
        sb.Append("<h2>What stayed float</h2>\n<p>").Append(q.QuantizedOps.ToString(s_ci)).Append(" ops quantized, ")
          .Append(q.FloatOps.ToString(s_ci)).Append(" float.</p>\n");
        if (kept.Length == 0)
        {
            return;
        }

        sb.Append("<table id=\"float-nodes\"><tr><th>node</th><th>op</th><th>why it stayed float</th></tr>\n");
        foreach (NodeDecision n in kept)
        {
            sb.Append("<tr><td>").Append(Enc(n.Node)).Append("</td><td>").Append(Enc(n.OpType)).Append("</td><td style=\"text-align:left\">")
              .Append(Enc(n.Reason)).Append("</td></tr>\n");
        }

        sb.Append("</table>\n");
    }

    private static string Pair(LatencyStats s) => $"{s.P50Ms.ToString("0.000", s_ci)} / {s.P90Ms.ToString("0.000", s_ci)}";

    private static string Mib(long bytes) => (bytes / (1024.0 * 1024.0)).ToString("F1", s_ci);

    /// <summary>The SVG element alone: ScottPlot's document starts with an XML declaration, which HTML does not take.</summary>
    private static string Inline(string svg)
    {
        int start = svg.IndexOf("<svg", StringComparison.Ordinal);
        return start >= 0 ? svg[start..].Trim() : svg;
    }

    private static string Enc(string text) => WebUtility.HtmlEncode(text);
}
