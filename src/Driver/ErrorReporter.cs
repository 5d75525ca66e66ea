// Turns every way a command can fail into one line on stderr and the exit code that goes with it.
using Onnxc.Compilation;
using Onnxc.GraphIR;

namespace Onnxc.Driver;

/// <summary>
/// The single place that decides what the user sees when something goes wrong. Expected failures (bad command
/// line, bad model, unreadable file) are one line, <c>onnxc: error: ...</c>. Anything else is a bug in onnxc: one
/// line asking for a report, and the stack trace only when ONNXC_DEBUG=1, because a trace helps us but only
/// buries the message for a user.
/// </summary>
internal sealed class ErrorReporter(TextWriter stderr, bool showStackTraces)
{
    public int Report(Exception exception)
    {
        switch (exception)
        {
            case InvalidModelException invalid:
                WriteLine("onnxc: error: " + invalid.Message);
                WriteTrace(invalid);
                return ExitCodes.InvalidInput;
            case Evaluation.Data.SampleDataException data:
                WriteLine("onnxc: error: " + data.Message);
                WriteTrace(data);
                return ExitCodes.InvalidInput;
            case Passes.Quantization.QuantizationException quantization:
                WriteLine("onnxc: error: the INT8 model failed self-verification, nothing was written: " + quantization.Message);
                WriteTrace(quantization);
                return ExitCodes.VerificationFailed;
            case OperationCanceledException:
                WriteLine("onnxc: error: interrupted; nothing was written (a --checkpoint folder keeps its last complete checkpoint)");
                return ExitCodes.Interrupted;
            case Evaluation.ProviderUnavailableException provider:
                WriteLine("onnxc: error: " + provider.Message);
                WriteTrace(provider);
                return ExitCodes.InvalidInput;
            case FileAccessException access:
                WriteLine("onnxc: error: " + access.Message);
                WriteTrace(access);
                return ExitCodes.InvalidInput;
            default:
                WriteLine(
                    $"onnxc: internal error: {exception.GetType().Name}: {exception.Message} " +
                    "-- this is a bug in onnxc; please report it to the onnxc maintainers with the command line and the model" +
                    (showStackTraces ? string.Empty : " (set ONNXC_DEBUG=1 for the stack trace)"));
                WriteTrace(exception);
                return ExitCodes.InternalError;
        }
    }

    /// <summary>A command-line mistake: what is wrong, then where to read how it should look.</summary>
    public int Usage(string message, string commandPath)
    {
        WriteLine($"onnxc: error: {message.TrimEnd('.')} (see '{commandPath} --help')");
        return ExitCodes.Usage;
    }

    private void WriteLine(string line) => stderr.WriteLine(line.ReplaceLineEndings(" "));

    private void WriteTrace(Exception exception)
    {
        if (showStackTraces)
        {
            stderr.WriteLine(exception.ToString());
        }
    }
}
