// How failures map to exit codes and lines: expected ones are exit 1 or 2, anything else is exit 3 asking for a report.
using Onnxc.GraphIR;

namespace Onnxc.Driver.Tests;

public sealed class ErrorReporterTests
{
    [Fact]
    public void UnexpectedExceptionIsExit3WithOneLineAndNoTrace()
    {
        using var stderr = new StringWriter();
        var reporter = new ErrorReporter(stderr, showStackTraces: false);

        int code = reporter.Report(Thrown(new InvalidOperationException("index out of step\nsecond line")));

        Assert.Equal(ExitCodes.InternalError, code);
        string line = Assert.Single(stderr.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("onnxc: internal error: InvalidOperationException: index out of step second line", line, StringComparison.Ordinal);
        Assert.Contains("report", line, StringComparison.Ordinal);
        Assert.Contains("ONNXC_DEBUG=1", line, StringComparison.Ordinal);
        Assert.DoesNotContain(" at ", line, StringComparison.Ordinal);
    }

    [Fact]
    public void DebugShowsTheStackTrace()
    {
        using var stderr = new StringWriter();
        var reporter = new ErrorReporter(stderr, showStackTraces: true);

        int code = reporter.Report(Thrown(new InvalidOperationException("boom")));

        Assert.Equal(ExitCodes.InternalError, code);
        Assert.Contains(nameof(Thrown), stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void InvalidModelIsExit2WithItsMessage()
    {
        using var stderr = new StringWriter();
        var reporter = new ErrorReporter(stderr, showStackTraces: false);

        int code = reporter.Report(new InvalidModelException("reads undefined value 'v'", "m.onnx", "'n' (Relu)"));

        Assert.Equal(ExitCodes.InvalidInput, code);
        Assert.Equal("onnxc: error: m.onnx: node 'n' (Relu): reads undefined value 'v'", stderr.ToString().Trim());
    }

    [Fact]
    public void EnvironmentSwitchesTracesOnThroughCli()
    {
        // A missing file is an expected failure: one line, and with ONNXC_DEBUG=1 the trace follows it.
        CliResult quiet = CliRunner.Run(_ => null, "inspect", "/no/such/model.onnx");
        CliResult debug = CliRunner.Run(name => name == "ONNXC_DEBUG" ? "1" : null, "inspect", "/no/such/model.onnx");

        Assert.Single(quiet.ErrorLines);
        Assert.Equal(ExitCodes.InvalidInput, debug.ExitCode);
        Assert.True(debug.ErrorLines.Length > 1, debug.ToString());
        Assert.Equal(quiet.ErrorLines[0], debug.ErrorLines[0]);
    }

    private static Exception Thrown(Exception exception)
    {
        try
        {
            throw exception;
        }
        catch (Exception e)
        {
            return e;
        }
    }
}
