// The onnxc command line: builds the commands, parses, runs the chosen one and maps every outcome to an exit code.
using System.CommandLine;
using System.CommandLine.Invocation;
using Onnxc.Driver.Commands;

namespace Onnxc.Driver;

/// <summary>
/// The whole command, callable in-process: tests run it with their own writers instead of starting a process.
/// Nothing here touches <see cref="Console"/>.
/// </summary>
public static class Cli
{
    /// <summary>Runs onnxc with <paramref name="args"/>; returns the exit code (see <see cref="ExitCodes"/>).</summary>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr) =>
        Run(args, stdout, stderr, Environment.GetEnvironmentVariable);

    /// <summary>As <see cref="Run(string[], TextWriter, TextWriter)"/>, reading environment variables through <paramref name="environment"/>.</summary>
    internal static int Run(string[] args, TextWriter stdout, TextWriter stderr, Func<string, string?> environment,
        CancellationToken cancellation = default)
    {
        var reporter = new ErrorReporter(stderr, showStackTraces: environment("ONNXC_DEBUG") == "1");
        try
        {
            RootCommand root = CreateRootCommand();
            ParseResult parse = root.Parse(args);
            if (parse.Action is ParseErrorAction)
            {
                string message = string.Join("; ", parse.Errors.Select(e => e.Message.TrimEnd('.')).Distinct());
                return reporter.Usage(message, CommandPath(parse.CommandResult.Command));
            }

            var invocation = new InvocationConfiguration
            {
                Output = stdout,
                Error = stderr,

                // Our reporter decides what an exception looks like and which exit code it gets.
                EnableDefaultExceptionHandler = false,

                // Program owns SIGINT/SIGTERM and passes them in as the token (System.CommandLine's own handler
                // races the command's normal return after a cancellation and throws).
                ProcessTerminationTimeout = null,
            };
            return parse.InvokeAsync(invocation, cancellation).GetAwaiter().GetResult();
        }
        catch (Exception e)
        {
            return reporter.Report(e);
        }
    }

    internal static RootCommand CreateRootCommand()
    {
        var root = new RootCommand(
            "onnxc compiles ONNX models: it loads and verifies MODEL, optimizes it at the chosen -O level and "
            + "writes standard ONNX to OUT. 'onnxc inspect MODEL' describes a model.");
        new CompileCommand().AddTo(root);
        root.Add(new InspectCommand().Create());
        root.Add(new EvalCommand().Create());
        root.Add(new RunCommand().Create());
        root.Add(new TrainCommand(distill: false).Create());
        root.Add(new TrainCommand(distill: true).Create());
        HelpWriter.Apply(root);
        VersionWriter.Apply(root);
        return root;
    }

    /// <summary>How the user would name <paramref name="command"/> to ask for its help, e.g. "onnxc inspect".</summary>
    private static string CommandPath(Command command)
    {
        var names = new List<string>();
        for (Symbol? s = command; s is not null; s = s.Parents.FirstOrDefault())
        {
            names.Insert(0, s is RootCommand ? "onnxc" : s.Name);
        }

        return string.Join(" ", names);
    }
}
