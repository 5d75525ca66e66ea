// Prints test results as xunit reports them and counts them.
using Xunit;
using Xunit.Abstractions;

namespace Onnxc.XunitRunner;

/// <summary>
/// Counts passed, failed and skipped tests; prints every failure with its messages and stack, every skip with
/// its reason, and (with --verbose) every pass. Errors outside a test (a failing fixture, a catastrophic error)
/// count as failures, so they cannot go unnoticed.
/// </summary>
internal sealed class ConsoleSink(bool verbose) : LongLivedMarshalByRefObject, IMessageSink
{
    private readonly object _gate = new();

    public int Passed { get; private set; }

    public int Failed { get; private set; }

    public int Skipped { get; private set; }

    public ManualResetEvent Finished { get; } = new(initialState: false);

    public bool OnMessage(IMessageSinkMessage message)
    {
        lock (_gate)
        {
            switch (message)
            {
                case ITestPassed passed:
                    Passed++;
                    if (verbose)
                    {
                        Console.WriteLine(FormattableString.Invariant($"  pass {passed.Test.DisplayName} ({passed.ExecutionTime:F3} s)"));
                    }

                    break;
                case ITestFailed failed:
                    Failed++;
                    Report("FAIL " + failed.Test.DisplayName, failed);
                    if (!string.IsNullOrEmpty(failed.Output))
                    {
                        Console.WriteLine(failed.Output);
                    }

                    break;
                case ITestSkipped skipped:
                    Skipped++;
                    Console.WriteLine($"  skip {skipped.Test.DisplayName}: {skipped.Reason}");
                    break;
                case IErrorMessage error:
                    Failed++;
                    Report("ERROR", error);
                    break;
                case ITestAssemblyCleanupFailure or ITestCollectionCleanupFailure or ITestClassCleanupFailure or ITestMethodCleanupFailure or ITestCaseCleanupFailure or ITestCleanupFailure:
                    Failed++;
                    Report("CLEANUP FAILURE", (IFailureInformation)message);
                    break;
                case IDiagnosticMessage diagnostic when verbose:
                    Console.WriteLine("  diagnostic: " + diagnostic.Message);
                    break;
                case ITestAssemblyFinished:
                    Finished.Set();
                    break;
            }
        }

        return true;
    }

    private static void Report(string title, IFailureInformation failure)
    {
        Console.WriteLine("  " + title);
        for (int i = 0; i < failure.Messages.Length; i++)
        {
            Console.WriteLine($"    {failure.ExceptionTypes[i]}: {failure.Messages[i]}");
            if (failure.StackTraces.Length > i && failure.StackTraces[i] is { } stack)
            {
                Console.WriteLine("    " + stack.Replace("\n", "\n    ", StringComparison.Ordinal));
            }
        }
    }
}
