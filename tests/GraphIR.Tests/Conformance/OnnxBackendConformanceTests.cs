// Round-trips every ONNX backend test model through Load/Save and requires ORT outputs identical to the bit.
using Xunit.Abstractions;

namespace Onnxc.GraphIR.Tests.Conformance;

/// <summary>
/// The op-level round-trip suite: for each model of libonnx-testdata that ORT runs, the model saved by
/// OnnxExporter after OnnxImporter.Load must give byte-identical outputs on the suite's inputs. One fact over all
/// models so the output carries one summary line and the failure message lists every failing model at once.
/// </summary>
public sealed class OnnxBackendConformanceTests(ITestOutputHelper output)
{
    [OnnxBackendFact]
    public void Every_runnable_backend_model_round_trips_bit_identically()
    {
        IReadOnlyList<ConformanceCase> cases = OnnxBackendSuite.Cases();
        Assert.NotEmpty(cases);

        var results = new ConformanceResult[cases.Count];
        // Two workers: sessions are single-threaded, and the suite is hundreds of tiny models.
        Parallel.For(0, cases.Count, new ParallelOptions { MaxDegreeOfParallelism = Math.Min(2, Environment.ProcessorCount) },
            i => results[i] = RoundTripConformance.Check(cases[i], (model, folder) => ModelRoundTrip.Run(model, folder)));

        var report = new ConformanceReport(results);
        string details = report.Details();
        output.WriteLine(details);
        File.WriteAllText(Path.Combine(AppContext.BaseDirectory, "conformance-report.txt"), details);

        List<ConformanceResult> failures = [.. report.Failures];
        Assert.True(failures.Count == 0,
            $"{report.SummaryLine()}\n{failures.Count} models fail the round trip:\n" +
            string.Join("\n", failures.Select(f => $"  {f.Case.Id}: [{f.Category}] {f.Detail}")));

        // A harness that compared nothing would pass vacuously; the suite has hundreds of models ORT runs.
        Assert.True(report.Count(ConformanceOutcome.BitIdentical) >= cases.Count / 2, report.SummaryLine());
    }
}
