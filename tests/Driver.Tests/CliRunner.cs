// Runs onnxc in-process with captured stdout and stderr, as the tests' way of calling the command.
namespace Onnxc.Driver.Tests;

internal sealed record CliResult(int ExitCode, string Stdout, string Stderr)
{
    /// <summary>The non-empty lines written to stderr.</summary>
    public string[] ErrorLines => Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>The lines written to stdout, line ends removed.</summary>
    public string[] OutputLines => Stdout.ReplaceLineEndings("\n").Split('\n');

    public override string ToString() => $"exit {ExitCode}\nstdout: {Stdout}\nstderr: {Stderr}";
}

internal static class CliRunner
{
    public static CliResult Run(params string[] args) => Run(_ => null, args);

    /// <summary>Runs with <paramref name="environment"/> standing in for the process environment.</summary>
    public static CliResult Run(Func<string, string?> environment, params string[] args)
    {
        using var stdout = new StringWriter { NewLine = "\n" };
        using var stderr = new StringWriter { NewLine = "\n" };
        int code = Cli.Run(args, stdout, stderr, environment);
        return new CliResult(code, stdout.ToString(), stderr.ToString());
    }
}
