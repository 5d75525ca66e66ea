// One entry of the pass registry: a pass or a rewrite rule, with its name, level and one-line description.
namespace Onnxc.Passes;

/// <param name="Name">Kebab-case name for --disable-pass and --print-ir-after.</param>
/// <param name="Description">One line for --list-passes.</param>
/// <param name="Level">The lowest level whose pipeline runs it.</param>
/// <param name="Pipeline">Which pipeline runs it: "-O1", "-O2", "-O int8", "--target GPU".</param>
/// <param name="Parent">For a rewrite rule, the pass that runs it; null for a pass.</param>
public sealed record PassInfo(string Name, string Description, OptLevel Level, string Pipeline, string? Parent);
