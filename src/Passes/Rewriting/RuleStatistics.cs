// The counts of one rewrite rule: attempts, rewrites, and failures by reason.
namespace Onnxc.Passes.Rewriting;

public sealed class RuleStatistics(string rule)
{
    private readonly Dictionary<string, int> _failures = new(StringComparer.Ordinal);

    public string Rule { get; } = rule;

    public int Attempts { get; private set; }

    public int Applied { get; private set; }

    /// <summary>How often each failure reason occurred.</summary>
    public IReadOnlyDictionary<string, int> Failures => _failures;

    internal void Record(string? failure)
    {
        Attempts++;
        if (failure is null)
        {
            Applied++;
        }
        else
        {
            _failures[failure] = _failures.GetValueOrDefault(failure) + 1;
        }
    }
}
