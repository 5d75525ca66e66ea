// Checks shared by the MODEL argument of every command.
using System.CommandLine.Parsing;

namespace Onnxc.Driver.Commands;

internal static class ModelArgument
{
    /// <summary>
    /// System.CommandLine hands an unknown "--flag" to a free positional argument, which would then be reported as
    /// a missing model file (exit 2). A dash-led MODEL that is not an existing file is a mistyped option: exit 1.
    /// A model whose name really starts with a dash can be given as ./-name.
    /// </summary>
    public static void RejectUnknownOption(ArgumentResult result)
    {
        string? value = result.Tokens.Count > 0 ? result.Tokens[0].Value : null;
        if (value is { Length: > 1 } && value[0] == '-' && !File.Exists(value))
        {
            result.AddError($"unknown option '{value}'");
        }
    }
}
