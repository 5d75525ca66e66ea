// Per-rule statistics of every rewrite rule run in one pass context.
using System.Globalization;
using System.Text;

namespace Onnxc.Passes.Rewriting;

public sealed class RewriteStatistics
{
    private readonly Dictionary<string, RuleStatistics> _rules = new(StringComparer.Ordinal);

    public IReadOnlyCollection<RuleStatistics> Rules => _rules.Values;

    public RuleStatistics For(string rule)
    {
        if (!_rules.TryGetValue(rule, out RuleStatistics? s))
        {
            s = new RuleStatistics(rule);
            _rules.Add(rule, s);
        }

        return s;
    }

    /// <summary>How often <paramref name="rule"/> rewrote the graph (0 when it never ran).</summary>
    public int AppliedCount(string rule) => _rules.TryGetValue(rule, out RuleStatistics? s) ? s.Applied : 0;

    /// <summary>A table of rules with attempts and rewrites, most applied first.</summary>
    public string Format()
    {
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"{"rule",-36} {"tried",7} {"applied",8}");
        foreach (RuleStatistics s in _rules.Values.OrderByDescending(s => s.Applied).ThenBy(s => s.Rule, StringComparer.Ordinal))
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"{s.Rule,-36} {s.Attempts,7} {s.Applied,8}");
        }

        return sb.ToString();
    }
}
