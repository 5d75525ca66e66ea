// A pass that runs a fixed set of rewrite rules with the greedy driver.
namespace Onnxc.Passes.Rewriting;

/// <summary>Groups rules under one pass name; each rule can still be disabled by its own name.</summary>
public sealed class RewritePass(string name, string description, OptLevel level, PassRequirements requires, IReadOnlyList<RewriteRule> rules)
    : Pass
{
    public override string Name { get; } = name;

    public override string Description { get; } = description;

    public override OptLevel Level { get; } = level;

    public override PassRequirements Requires { get; } = requires;

    public IReadOnlyList<RewriteRule> Rules { get; } = rules;

    /// <summary>The pipeline label when it is not the level's (an -O int8 stage that reuses -O 2 rules).</summary>
    public string? PipelineLabel { get; init; }

    public override string Pipeline => PipelineLabel ?? base.Pipeline;

    public override void Run(Model model, PassContext context) => RewriteDriver.Run(model, Rules, context);
}
