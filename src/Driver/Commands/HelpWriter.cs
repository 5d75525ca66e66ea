// onnxc's --help text, written from the command tree: usage lines as the commands are typed, options, exit codes.
using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using System.Globalization;

namespace Onnxc.Driver.Commands;

/// <summary>
/// Replaces System.CommandLine's help output. Its default lists the root command's MODEL argument again under
/// every subcommand ("onnxc &lt;MODEL&gt; inspect &lt;MODEL&gt;"), which is wrong for onnxc, whose root MODEL
/// belongs to the main job only, and its layout hooks are not public in 3.0. So help is written here, from the
/// same symbols the parser uses, so it cannot drift from what the parser accepts.
/// </summary>
internal sealed class HelpWriter : SynchronousCommandLineAction
{
    public override bool ClearsParseErrors => true;

    /// <summary>Makes every --help of the tree use this writer.</summary>
    public static void Apply(RootCommand root)
    {
        foreach (Option help in root.Options.Where(o => o is HelpOption))
        {
            help.Action = new HelpWriter();
        }
    }

    public override int Invoke(ParseResult parseResult)
    {
        Write(parseResult.CommandResult.Command, parseResult.InvocationConfiguration.Output);
        return ExitCodes.Ok;
    }

    public static void Write(Command command, TextWriter o)
    {
        if (command.Description is { Length: > 0 } description)
        {
            o.WriteLine(description);
            o.WriteLine();
        }

        o.WriteLine("Usage:");
        o.WriteLine("  " + UsageLine(command));
        foreach (Command sub in command.Subcommands.Where(c => !c.Hidden))
        {
            o.WriteLine("  " + UsageLine(sub));
        }

        WriteSection(o, "Arguments:", command.Arguments.Where(a => !a.Hidden).Select(a => ($"<{a.Name}>", a.Description ?? string.Empty)));
        WriteSection(o, "Options:", VisibleOptions(command).Select(opt => (OptionLabel(opt), OptionDescription(opt))));
        WriteSection(o, "Commands:", command.Subcommands.Where(c => !c.Hidden).Select(c => (c.Name, c.Description ?? string.Empty)));
        WriteSection(
            o,
            "Exit codes:",
            [
                (Code(ExitCodes.Ok), "success"),
                (Code(ExitCodes.Usage), "usage error: a wrong command line"),
                (Code(ExitCodes.InvalidInput), "invalid or unsupported model, or a file that cannot be read or written"),
                (Code(ExitCodes.InternalError), "internal error in onnxc: please report it (ONNXC_DEBUG=1 shows the stack trace)"),
            ]);
    }

    private static string UsageLine(Command command)
    {
        var parts = new List<string> { command is RootCommand ? "onnxc" : "onnxc " + command.Name };
        parts.AddRange(command.Arguments.Where(a => !a.Hidden).Select(a => $"<{a.Name}>"));
        parts.AddRange(command.Options.Where(o => o.Required && !o.Hidden).Select(o => $"{ShortestAlias(o)} <{o.HelpName ?? "VALUE"}>"));
        parts.Add("[options]");
        return string.Join(" ", parts);
    }

    /// <summary>
    /// The command's own options, then the recursive ones it inherits; --help and --version last, as the options
    /// that matter for the job come first.
    /// </summary>
    private static IEnumerable<Option> VisibleOptions(Command command)
    {
        var options = new List<Option>();
        for (Command? c = command; c is not null; c = c.Parents.OfType<Command>().FirstOrDefault())
        {
            options.AddRange(c.Options.Where(o => !o.Hidden && (c == command || o.Recursive) && !options.Contains(o)));
        }

        return options.OrderBy(o => o is HelpOption or VersionOption ? 1 : 0);
    }

    private static string OptionLabel(Option option)
    {
        // "-?" and the "/h" spellings work but are not worth the space in the help.
        IEnumerable<string> names = option.Aliases.Append(option.Name)
            .Where(n => n.StartsWith('-') && n != "-?")
            .Distinct()
            .OrderBy(n => n.Length)
            .ThenBy(n => n, StringComparer.Ordinal);
        string label = string.Join(", ", names);
        bool takesValue = option.ValueType != typeof(bool) && option.Arity.MaximumNumberOfValues > 0;
        return takesValue ? $"{label} <{option.HelpName ?? "VALUE"}>" : label;
    }

    private static string OptionDescription(Option option)
    {
        string text = option.Description ?? string.Empty;
        if (option.Required)
        {
            text += " (required)";
        }
        else if (option.HasDefaultValue && option.ValueType != typeof(bool))
        {
            text += $" [default: {Convert.ToString(option.GetDefaultValue(), CultureInfo.InvariantCulture)}]";
        }

        return text;
    }

    private static string ShortestAlias(Option option) =>
        option.Aliases.Append(option.Name).OrderBy(n => n.Length).ThenBy(n => n, StringComparer.Ordinal).First();

    private static string Code(int code) => code.ToString(CultureInfo.InvariantCulture);

    private static void WriteSection(TextWriter o, string title, IEnumerable<(string Left, string Right)> rows)
    {
        var list = rows.ToList();
        if (list.Count == 0)
        {
            return;
        }

        o.WriteLine();
        o.WriteLine(title);
        int width = list.Max(r => r.Left.Length);
        foreach ((string left, string right) in list)
        {
            o.WriteLine($"  {left.PadRight(width)}  {right}".TrimEnd());
        }
    }
}
