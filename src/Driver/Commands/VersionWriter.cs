// --version: the version of onnxc itself, whichever process hosts it.
using System.CommandLine;
using System.CommandLine.Invocation;
using System.Reflection;

namespace Onnxc.Driver.Commands;

/// <summary>
/// System.CommandLine's --version reports the entry assembly, which is the test host when onnxc runs in-process;
/// this reports the driver assembly's informational version (version plus the commit it was built from).
/// </summary>
internal sealed class VersionWriter : SynchronousCommandLineAction
{
    public static string Version { get; } =
        typeof(VersionWriter).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(VersionWriter).Assembly.GetName().Version?.ToString()
        ?? "unknown";

    public override bool ClearsParseErrors => true;

    public static void Apply(RootCommand root)
    {
        foreach (Option version in root.Options.Where(o => o is VersionOption))
        {
            version.Action = new VersionWriter();
        }
    }

    public override int Invoke(ParseResult parseResult)
    {
        parseResult.InvocationConfiguration.Output.WriteLine(Version);
        return ExitCodes.Ok;
    }
}
