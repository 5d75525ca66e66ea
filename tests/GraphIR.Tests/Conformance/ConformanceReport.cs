// Totals of a conformance run: the one-line summary, the reason histograms and the list of failing models.
using System.Text;

namespace Onnxc.GraphIR.Tests.Conformance;

public sealed class ConformanceReport(IReadOnlyList<ConformanceResult> results)
{
    public IReadOnlyList<ConformanceResult> Results { get; } = results;

    public IEnumerable<ConformanceResult> Failures => Results.Where(r => r.IsFailure);

    public int Count(ConformanceOutcome outcome) => Results.Count(r => r.Outcome == outcome);

    /// <summary>
    /// "conformance: N runnable, N bit-identical, N mismatched, N failed to round-trip; N not runnable by ORT
    /// (reason xN, ...); N skipped (reason xN, ...)".
    /// </summary>
    public string SummaryLine() =>
        $"conformance: {Results.Count(r => r.IsRunnable)} runnable, {Count(ConformanceOutcome.BitIdentical)} bit-identical, " +
        $"{Count(ConformanceOutcome.Mismatched)} mismatched, {Count(ConformanceOutcome.RoundTripFailed)} failed to round-trip; " +
        $"{Count(ConformanceOutcome.NotRunnableByOrt)} not runnable by ORT ({Histogram(ConformanceOutcome.NotRunnableByOrt)}); " +
        $"{Count(ConformanceOutcome.Skipped)} skipped ({Histogram(ConformanceOutcome.Skipped)})";

    /// <summary>The summary, then every failing model with its detail, then every case not compared and why.</summary>
    public string Details()
    {
        var text = new StringBuilder().AppendLine(SummaryLine());
        foreach (string suite in Results.Select(r => r.Case.Suite).Distinct())
        {
            var inSuite = new ConformanceReport([.. Results.Where(r => r.Case.Suite == suite)]);
            text.AppendLine($"  {suite}: {inSuite.SummaryLine()["conformance: ".Length..]}");
        }

        AppendCases(text, "failing", Failures);
        AppendCases(text, "not runnable by ORT", Results.Where(r => r.Outcome == ConformanceOutcome.NotRunnableByOrt));
        AppendCases(text, "skipped", Results.Where(r => r.Outcome == ConformanceOutcome.Skipped));
        return text.ToString();
    }

    private string Histogram(ConformanceOutcome outcome) => string.Join(", ", Results
        .Where(r => r.Outcome == outcome)
        .GroupBy(r => r.Category)
        .OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal)
        .Select(g => $"{g.Key} x{g.Count()}"));

    private static void AppendCases(StringBuilder text, string title, IEnumerable<ConformanceResult> cases)
    {
        List<ConformanceResult> list = [.. cases];
        if (list.Count == 0)
        {
            return;
        }

        text.AppendLine($"{title} ({list.Count}):");
        foreach (ConformanceResult r in list)
        {
            text.AppendLine($"  {r.Case.Id}: [{r.Category}] {r.Detail}");
        }
    }
}
