// Entry point: BenchmarkDotNet's switcher over the onnxc benchmarks, with the config bench/*.sh relies on.
using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Exporters.Csv;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Perfolizer.Horology;
using Perfolizer.Metrology;

namespace Onnxc.Benchmarks;

public static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "ort-compare")
        {
            return OrtOptimizationComparison.Run(args[1..]);
        }

        if (args.Length > 0 && args[0] == "int8-gemm")
        {
            return Int8GemmBenchmark.Run(args[1..]);
        }

        if (args.Length > 0 && args[0] == "training-distill")
        {
            return DistillationComparison.Run(args[1..]);
        }

        if (args.Length > 0 && args[0] == "training-qat")
        {
            return QatComparison.Run(args[1..]);
        }

        if (args.Length > 0 && args[0] == "int8-models")
        {
            return Int8BenchModels.Run(args[1..]);
        }

        if (args.Length > 0 && args[0] == "plan-profile")
        {
            return PlanProfile.Run(args[1..]);
        }

        // In-process: no generated project to restore and build (there is no internet here, and builds are slow
        // on 2 shared cores). Medians are what the scripts quote: the machine is shared and noisy, and the median
        // ignores the outliers that the mean absorbs. Times in milliseconds with no unit strings, for the CSV.
        var style = new SummaryStyle(CultureInfo.InvariantCulture, printUnitsInHeader: true, SizeUnit.KB, TimeUnit.Millisecond,
            printUnitsInContent: false, maxParameterColumnWidth: 64);
        IConfig config = DefaultConfig.Instance
            .AddJob(Job.Default
                .WithToolchain(InProcessEmitToolchain.Instance)
                .WithWarmupCount(3)
                .WithIterationCount(15)
                .WithId("inproc"))
            .AddColumn(StatisticColumn.Median)
            .AddExporter(new CsvExporter(CsvSeparator.Comma, style))
            .WithSummaryStyle(style)
            .WithOptions(ConfigOptions.JoinSummary);
        Summary[] summaries = BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, config).ToArray();
        return summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success)) ? 1 : 0;
    }
}
