// The outcome of a pipeline run: every pass run in order, with its measured changes and time.
using System.Globalization;
using System.Text;

namespace Onnxc.Passes;

public sealed class PassRunReport(IReadOnlyList<PassResult> results, TimeSpan elapsed)
{
    public IReadOnlyList<PassResult> Results { get; } = results;

    public TimeSpan Elapsed { get; } = elapsed;

    public bool Changed => Results.Any(r => r.Changed);

    public long TotalChanges => Results.Sum(r => r.Changes);

    /// <summary>The --time-passes table: per pass name, runs, changes and total time, slowest first.</summary>
    /// <param name="pipeline">Named in the heading when a compile runs more than one pipeline (-O2, then -O int8).</param>
    public string FormatTimings(string? pipeline = null)
    {
        var sb = new StringBuilder();
        string heading = pipeline is null ? "pass" : $"pass ({pipeline})";
        sb.AppendLine(CultureInfo.InvariantCulture, $"{heading,-36} {"runs",5} {"changes",8} {"ms",10} {"%",6}");
        double total = Math.Max(Elapsed.TotalMilliseconds, 1e-9);
        foreach (var g in Results.GroupBy(r => r.Pass).OrderByDescending(g => g.Sum(r => r.Elapsed.Ticks)))
        {
            double ms = g.Sum(r => r.Elapsed.TotalMilliseconds);
            sb.AppendLine(CultureInfo.InvariantCulture, $"{g.Key,-36} {g.Count(),5} {g.Sum(r => r.Changes),8} {ms,10:F2} {100 * ms / total,6:F1}");
        }

        sb.AppendLine(CultureInfo.InvariantCulture, $"{"total",-36} {Results.Count,5} {TotalChanges,8} {Elapsed.TotalMilliseconds,10:F2} {100.0,6:F1}");
        return sb.ToString();
    }
}
