// The --goal option of the compile and eval commands: parsed once at validation, so a bad goal is a usage error.
using System.CommandLine.Parsing;
using Onnxc.Evaluation;

namespace Onnxc.Driver.Commands;

internal static class GoalOptions
{
    /// <summary>Adds a usage error for a malformed goal, or <paramref name="needs"/> when a required option is missing.</summary>
    public static void Validate(CommandResult r, string goal, string? needs)
    {
        try
        {
            Goal.Parse(goal);
        }
        catch (FormatException e)
        {
            r.AddError($"--goal {goal}: {e.Message}");
            return;
        }

        if (needs is not null)
        {
            r.AddError(needs);
        }
    }
}
