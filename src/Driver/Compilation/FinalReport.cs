// --eval-data [--goal]: the written model against the input on held-out data, and the verdict for a goal.
using System.Globalization;
using Onnxc.Evaluation;
using Onnxc.Evaluation.Data;
using Onnxc.GraphIR;
using Onnxc.GraphIR.Analysis;
using Onnxc.GraphIR.Onnx;
using Onnxc.Passes.Quantization;

namespace Onnxc.Compilation;

/// <summary>
/// After the output is written, measures it against the input model the way <c>onnxc eval --baseline</c> does
/// (both in one process, timed runs interleaved, medians): MACs, parameters, file size, latency at batch 1 and 32,
/// top-1 on --eval-data; then the verdict for --goal. The verdict is information, not an error: the exit code stays
/// 0, because the output is the model that was asked for.
/// </summary>
internal static class FinalReport
{
    public static void Write(CompileOptions options, string evalDataPath, Goal? goal, TextWriter stdout, CompileSummary? quantization)
    {
        string? html = options.Int8?.ReportHtmlPath;
        ExecutionProvider provider = options.Int8?.Provider ?? ExecutionProvider.Cpu;
        Model original = ModelInput.LoadVerified(options.ModelPath);
        Model compiled = OnnxImporter.Load(options.OutputPath);
        SampleSet data = SampleData.Open(evalDataPath, original, options.Int8?.Preprocess);
        EvalReport r = ModelEvaluator.Evaluate(options.OutputPath, data, new EvalOptions { Provider = provider, CompareLayers = html is not null }, options.ModelPath);
        ModelMeasurement before = r.Baseline!;
        ModelMeasurement after = r.Model;
        EvalRatios ratios = r.Ratios!;
        long? macsBefore = Macs(original);
        long? macsAfter = Macs(compiled);
        long paramsBefore = Parameters(original);
        long paramsAfter = Parameters(compiled);

        var ci = CultureInfo.InvariantCulture;
        string samples = before.Accuracy is { } a ? $" ({a.Samples} samples)" : string.Empty;
        stdout.WriteLine($"report: {Path.GetFileName(options.OutputPath)} against {Path.GetFileName(options.ModelPath)} on {Path.GetFileName(evalDataPath)}{samples}, ONNX Runtime {(provider == ExecutionProvider.Cuda ? "CUDA" : "CPU")}");
        stdout.WriteLine($"  {"",-16}{"original",16}{"output",16}  ratio");
        Row(stdout, "MACs (batch 1)", Count(macsBefore), Count(macsAfter),
            macsBefore is > 0 && macsAfter is > 0 ? string.Create(ci, $"{(double)macsBefore.Value / macsAfter.Value:0.00}x fewer") : "unknown");
        Row(stdout, "parameters", Count(paramsBefore), Count(paramsAfter), string.Create(ci, $"{(double)paramsAfter / Math.Max(1, paramsBefore):0.000}x"));
        Row(stdout, "file bytes", Count(before.FileBytes), Count(after.FileBytes), string.Create(ci, $"{ratios.Size:0.000}x"));
        Row(stdout, "batch 1 p50", Ms(before.Batch1.P50Ms), Ms(after.Batch1.P50Ms), string.Create(ci, $"{ratios.SpeedupBatch1:0.00}x speedup"));
        Row(stdout, $"batch {after.BatchB.BatchSize} p50", Ms(before.BatchB.P50Ms), Ms(after.BatchB.P50Ms), string.Create(ci, $"{ratios.SpeedupBatchB:0.00}x speedup"));
        if (before.Accuracy is { } ab && after.Accuracy is { } aa)
        {
            Row(stdout, "top-1", string.Create(ci, $"{ab.Top1:F2}%"), string.Create(ci, $"{aa.Top1:F2}%"), string.Create(ci, $"drop {ratios.Top1Drop:F2} points"));
        }

        GoalVerdict? verdict = goal?.Check(Goal.Measured(ratios, macsBefore, macsAfter));
        if (verdict is not null)
        {
            stdout.WriteLine(verdict.Line);
        }

        if (html is not null)
        {
            Reports.HtmlReport.Write(html, new Reports.HtmlReportData(
                $"{Path.GetFileName(options.OutputPath)} against {Path.GetFileName(options.ModelPath)}", Path.GetFileName(evalDataPath),
                r with { Goal = verdict }, new Reports.ModelCounts(paramsBefore, paramsAfter, macsBefore, macsAfter), quantization, provider));
            stdout.WriteLine($"html report: {html}");
        }
    }

    private static void Row(TextWriter o, string label, string before, string after, string ratio) =>
        o.WriteLine($"  {label,-16}{before,16}{after,16}  {ratio}");

    private static string Count(long? n) => n is long v ? v.ToString("N0", CultureInfo.InvariantCulture) : "?";

    private static string Ms(double ms) => ms.ToString("0.000", CultureInfo.InvariantCulture) + " ms";

    /// <summary>Total MACs at batch 1, or null when some Conv/Gemm/MatMul has shapes inference cannot find.</summary>
    private static long? Macs(Model model)
    {
        ShapeInference.Run(model);
        MacCount count = MacCounter.Count(model.Graph);
        return count.Unknown.Count == 0 ? count.Total : null;
    }

    /// <summary>Elements of every initializer (integer weights count as much as float ones).</summary>
    private static long Parameters(Model model)
    {
        SparseStorage.Densify(model);
        return model.Graph.Initializers.Where(v => v.Initializer is not null).Sum(v => v.Initializer!.ElementCount);
    }
}
