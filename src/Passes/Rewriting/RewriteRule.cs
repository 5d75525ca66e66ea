// The untyped face of a rewrite rule, as the greedy driver and the registry see it.
namespace Onnxc.Passes.Rewriting;

/// <summary>
/// A local rewrite anchored at one node (the root). Rules derive from <see cref="RewriteRule{TMatch}"/>, which
/// keeps the pattern, the guards and the rewrite as separate members.
/// </summary>
public abstract class RewriteRule
{
    /// <summary>Kebab-case name, usable with --disable-pass and shown in statistics and --debug-rewrites.</summary>
    public abstract string Name { get; }

    /// <summary>The op type (default domain) of the node the pattern starts from.</summary>
    public abstract string RootOpType { get; }

    /// <summary>Tries the rule at <paramref name="root"/>: null when it rewrote the graph, else why it did not.</summary>
    public abstract string? TryApply(Node root, RewriteContext context);

    public override string ToString() => Name;
}
