// A command line that is well-formed but asks for something onnxc cannot do: exit 1 with a pointer to --help.
namespace Onnxc.Driver;

/// <param name="message">One line saying what is wrong with the command line.</param>
/// <param name="commandPath">The command whose --help explains it, e.g. "onnxc inspect".</param>
internal sealed class UsageException(string message, string commandPath) : Exception(message)
{
    public string CommandPath { get; } = commandPath;
}
