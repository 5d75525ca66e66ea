// --list-passes and --list-targets: print a registry and exit, whatever else the command line holds.
using System.CommandLine;
using System.CommandLine.Invocation;

namespace Onnxc.Driver.Commands;

/// <summary>
/// An option action that prints a listing (the pass registry, the target descriptions) and ends the command, like
/// --help: no MODEL or -o is needed, so parse errors about them are cleared.
/// </summary>
internal sealed class ListAction(Func<string> listing) : SynchronousCommandLineAction
{
    public override bool ClearsParseErrors => true;

    public override int Invoke(ParseResult parseResult)
    {
        parseResult.InvocationConfiguration.Output.Write(listing());
        return ExitCodes.Ok;
    }
}
