// The result of matching a rule's pattern: the bound match, or the reason it did not match.
namespace Onnxc.Passes.Rewriting;

/// <summary>Either a match (<see cref="Match"/> set) or a failure with a one-line <see cref="Reason"/>.</summary>
public readonly record struct MatchOutcome<TMatch>
    where TMatch : class
{
    private MatchOutcome(TMatch? match, string? reason)
    {
        Match = match;
        Reason = reason;
    }

    public TMatch? Match { get; }

    public string? Reason { get; }

    public bool IsMatch => Match is not null;

    public static MatchOutcome<TMatch> Fail(string reason) => new(null, reason);

    public static implicit operator MatchOutcome<TMatch>(TMatch match) => new(match, null);
}
