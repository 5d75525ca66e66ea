// The checks every command that writes a model makes on -o before any work starts.
using System.CommandLine.Parsing;

namespace Onnxc.Driver.Commands;

internal static class OutputPaths
{
    /// <summary>-o must name a file (not a folder) in an existing folder, and never the input model itself.</summary>
    public static void Validate(CommandResult result, string? model, string? output)
    {
        if (string.IsNullOrEmpty(model) || output is null)
        {
            return; // the missing argument or option is reported on its own
        }

        if (output.Length == 0)
        {
            result.AddError("-o needs a file name");
            return;
        }

        string fullOutput = Path.GetFullPath(output);
        if (string.Equals(Path.GetFullPath(model), fullOutput, StringComparison.Ordinal))
        {
            result.AddError($"-o {output}: the output would overwrite the input; write it somewhere else");
        }
        else if (Directory.Exists(fullOutput))
        {
            result.AddError($"-o {output}: is a directory; give a file name");
        }
        else if (Path.GetDirectoryName(fullOutput) is { } folder && !Directory.Exists(folder))
        {
            result.AddError($"-o {output}: folder {folder} does not exist");
        }
    }
}
