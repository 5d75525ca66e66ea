// A rewrite rule in three parts: a structural pattern, guards that give a reason, and the rewrite itself.
namespace Onnxc.Passes.Rewriting;

/// <summary>
/// A rule with a typed match. <see cref="Match"/> binds the nodes and values of the pattern (structure only),
/// <see cref="Check"/> runs the guards (returns null when they all pass, else the first failure's reason) and
/// <see cref="Rewrite"/> changes the graph and may assume both succeeded: it never bails out.
/// </summary>
public abstract class RewriteRule<TMatch> : RewriteRule
    where TMatch : class
{
    public sealed override string? TryApply(Node root, RewriteContext context)
    {
        MatchOutcome<TMatch> outcome = Match(root, context);
        if (outcome.Match is not TMatch match)
        {
            return outcome.Reason ?? "pattern did not match";
        }

        string? reason = Check(match, context);
        if (reason is not null)
        {
            return reason;
        }

        Rewrite(match, context);
        return null;
    }

    protected abstract MatchOutcome<TMatch> Match(Node root, RewriteContext context);

    protected virtual string? Check(TMatch match, RewriteContext context) => null;

    protected abstract void Rewrite(TMatch match, RewriteContext context);

    protected static MatchOutcome<TMatch> Fail(string reason) => MatchOutcome<TMatch>.Fail(reason);
}
