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

    internal static RootCommand CreateRootCommand() => CreateRootCommand(out _);

    /// <summary>
    /// The compile request that <paramref name="args"/> (the command's own arguments: MODEL -O LEVEL -o OUT ...)
    /// ask for, checked as the command checks them; the MSBuild task reads its items' metadata this way, so
    /// every option of the command is reachable from an item. A mistake throws <see cref="ArgumentException"/>
    /// with the command's one-line message.
    /// </summary>
    public static Compilation.CompileOptions ReadCompileOptions(IReadOnlyList<string> args)
    {
        RootCommand root = CreateRootCommand(out CompileCommand compile);
        return ReadCompileOptions(root, compile, args);
    }

    /// <summary>
    /// The compile request of an MSBuild item: <paramref name="model"/> to <paramref name="output"/>, with each
    /// option named as item metadata in PascalCase (<c>CalibrationSamples="128"</c> is
    /// <c>--calibration-samples 128</c>, <c>Optimization</c> is <c>-O</c>). A flag is "true" or "false"; a
    /// repeatable option takes a semicolon-separated list; empty metadata is left out. An unknown name or a bad
    /// value throws <see cref="ArgumentException"/> naming the metadata.
    /// </summary>
    public static Compilation.CompileOptions ReadCompileOptions(string model, string output, IEnumerable<KeyValuePair<string, string>> metadata)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        RootCommand root = CreateRootCommand(out CompileCommand compile);
        var args = new List<string> { model, "-o", output };
        foreach ((string name, string value) in metadata)
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                continue;
            }

            string flag = name == "Optimization" ? "-O" : "--" + KebabCase(name);
            Option? option = root.Options.FirstOrDefault(o => o.Name == flag || o.Aliases.Contains(flag));
            if (option is null || option.Action is not null || flag is "--output" or "-o")
            {
                throw new ArgumentException($"metadata {name}: onnxc has no compile option {flag}");
            }

            if (option.ValueType == typeof(bool))
            {
                if (!bool.TryParse(value, out bool on))
                {
                    throw new ArgumentException($"metadata {name}=\"{value}\": {flag} is a flag, true or false");
                }

                if (on)
                {
                    args.Add(flag);
                }
            }
            else if (option.ValueType.IsArray)
            {
                foreach (string part in value.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                {
                    args.Add(flag);
                    args.Add(part);
                }
            }
            else
            {
                args.Add(flag);
                args.Add(value);
            }
        }

        return ReadCompileOptions(root, compile, args);
    }

    private static string KebabCase(string name)
    {
        var sb = new System.Text.StringBuilder();
        for (int i = 0; i < name.Length; i++)
        {
            if (char.IsUpper(name[i]) && i > 0)
            {
                sb.Append('-');
            }

            sb.Append(char.ToLowerInvariant(name[i]));
        }

        return sb.ToString();
    }

    private static Compilation.CompileOptions ReadCompileOptions(RootCommand root, CompileCommand compile, IReadOnlyList<string> args)
    {
        ParseResult parse = root.Parse([.. args]);
        if (parse.Errors.Count > 0)
        {
            throw new ArgumentException(string.Join("; ", parse.Errors.Select(e => e.Message.TrimEnd('.')).Distinct()));
        }

        if (parse.CommandResult.Command != root || parse.Action is not null && parse.Action != root.Action)
        {
            throw new ArgumentException($"'{string.Join(' ', args)}' is not a compile (a subcommand, --help, --version or a --list option)");
        }

        return compile.Read(parse);
    }

    private static RootCommand CreateRootCommand(out CompileCommand compile)
    {
        var root = new RootCommand(
            "onnxc compiles ONNX models: it loads and verifies MODEL, optimizes it at the chosen -O level and "
            + "writes standard ONNX to OUT. 'onnxc inspect MODEL' describes a model.");
        compile = new CompileCommand();
        compile.AddTo(root);
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
