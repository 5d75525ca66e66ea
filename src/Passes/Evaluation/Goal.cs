// A deployment goal such as "speedup>=2,drop<=3", and whether a measurement meets it.
using System.Globalization;

namespace Onnxc.Evaluation;

/// <summary>What a goal term measures; each has one meaning on every command that takes <c>--goal</c>.</summary>
public enum GoalMetric
{
    /// <summary>Median-latency speed-up against the original at the batched size (batch 32 by default).</summary>
    Speedup,

    /// <summary>Median-latency speed-up against the original at batch 1.</summary>
    Speedup1,

    /// <summary>Top-1 drop from the original, in percentage points.</summary>
    Drop,

    /// <summary>File size as a share of the original's.</summary>
    Size,

    /// <summary>How many times fewer MACs than the original.</summary>
    Macs,
}

/// <param name="Metric">What is compared.</param>
/// <param name="AtLeast">True for <c>&gt;=</c> / <c>&gt;</c>, false for <c>&lt;=</c> / <c>&lt;</c>.</param>
/// <param name="Strict">True for <c>&gt;</c> / <c>&lt;</c>.</param>
public sealed record GoalTerm(GoalMetric Metric, bool AtLeast, bool Strict, double Bound)
{
    public string Name => Metric.ToString().ToLowerInvariant();

    public string Operator => (AtLeast ? ">" : "<") + (Strict ? string.Empty : "=");

    public bool IsMetBy(double value) => AtLeast ? (Strict ? value > Bound : value >= Bound) : (Strict ? value < Bound : value <= Bound);

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Name}{Operator}{Bound:G}");
}

/// <param name="Met">Every term is met (a term whose metric was not measured is not).</param>
/// <param name="Line">One line for people: "goal speedup>=2,drop<=3: met (speedup 2.31x, drop 0.42)".</param>
public sealed record GoalVerdict(
    [property: System.Text.Json.Serialization.JsonPropertyName("met")] bool Met,
    [property: System.Text.Json.Serialization.JsonPropertyName("line")] string Line);

/// <summary>
/// A goal is comma-separated terms <c>METRIC OP NUMBER</c>: metric <c>speedup</c> (batched), <c>speedup1</c>
/// (batch 1), <c>drop</c> (top-1 points), <c>size</c> (file size ratio) or <c>macs</c> (times fewer); operator
/// <c>&gt;=</c>, <c>&lt;=</c>, <c>&gt;</c> or <c>&lt;</c>. Example: <c>"speedup&gt;=2,drop&lt;=3"</c>.
/// </summary>
public sealed record Goal(string Text, IReadOnlyList<GoalTerm> Terms)
{
    /// <summary>Parses a goal; a malformed one is a <see cref="FormatException"/> whose message says which term and why.</summary>
    public static Goal Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var terms = new List<GoalTerm>();
        foreach (string raw in text.Split(',', StringSplitOptions.TrimEntries))
        {
            int op = raw.IndexOfAny(['<', '>']);
            if (op <= 0)
            {
                throw new FormatException($"goal term '{raw}' is not METRIC>=N or METRIC<=N (metrics: speedup, speedup1, drop, size, macs)");
            }

            string name = raw[..op].Trim();
            bool strict = op + 1 >= raw.Length || raw[op + 1] != '=';
            string number = raw[(op + (strict ? 1 : 2))..].Trim().TrimEnd('x', '%');
            GoalMetric? metric = name.ToLowerInvariant() switch
            {
                "speedup" => GoalMetric.Speedup,
                "speedup1" => GoalMetric.Speedup1,
                "drop" => GoalMetric.Drop,
                "size" => GoalMetric.Size,
                "macs" or "flops" => GoalMetric.Macs,
                _ => null,
            };
            if (metric is null)
            {
                throw new FormatException($"goal term '{raw}': unknown metric '{name}' (metrics: speedup, speedup1, drop, size, macs)");
            }

            if (!double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out double bound) || !double.IsFinite(bound))
            {
                throw new FormatException($"goal term '{raw}': '{number}' is not a number");
            }

            if (terms.Any(t => t.Metric == metric))
            {
                throw new FormatException($"goal term '{raw}': {name} is already bounded");
            }

            terms.Add(new GoalTerm(metric.Value, raw[op] == '>', strict, bound));
        }

        return new Goal(text, terms);
    }

    /// <summary>The verdict for measured values (a metric missing from <paramref name="measured"/> was not measured).</summary>
    public GoalVerdict Check(IReadOnlyDictionary<GoalMetric, double> measured)
    {
        ArgumentNullException.ThrowIfNull(measured);
        var parts = new List<string>();
        bool met = true;
        foreach (GoalTerm t in Terms)
        {
            if (!measured.TryGetValue(t.Metric, out double value))
            {
                met = false;
                parts.Add($"{t.Name} not measured");
                continue;
            }

            bool ok = t.IsMetBy(value);
            met &= ok;
            string shown = Format(t.Metric, value);
            parts.Add(ok ? $"{t.Name} {shown}" : string.Create(CultureInfo.InvariantCulture, $"{t.Name} {shown}, wanted {t.Operator}{Format(t.Metric, t.Bound)}"));
        }

        return new GoalVerdict(met, $"goal {string.Join(",", Terms)}: {(met ? "met" : "missed")} ({string.Join("; ", parts)})");
    }

    /// <summary>The metrics of an eval against a baseline (MACs when both counts are known).</summary>
    public static Dictionary<GoalMetric, double> Measured(EvalRatios ratios, long? macsBefore = null, long? macsAfter = null)
    {
        ArgumentNullException.ThrowIfNull(ratios);
        var m = new Dictionary<GoalMetric, double>
        {
            [GoalMetric.Speedup] = ratios.SpeedupBatchB,
            [GoalMetric.Speedup1] = ratios.SpeedupBatch1,
            [GoalMetric.Size] = ratios.Size,
        };
        if (ratios.Top1Drop is double drop)
        {
            m[GoalMetric.Drop] = drop;
        }

        if (macsBefore is > 0 && macsAfter is > 0)
        {
            m[GoalMetric.Macs] = (double)macsBefore.Value / macsAfter.Value;
        }

        return m;
    }

    private static string Format(GoalMetric metric, double value) => metric switch
    {
        GoalMetric.Drop => value.ToString("F2", CultureInfo.InvariantCulture),
        GoalMetric.Size => value.ToString("0.###", CultureInfo.InvariantCulture) + "x",
        _ => value.ToString("0.00", CultureInfo.InvariantCulture) + "x",
    };
}
