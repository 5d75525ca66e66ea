// A progress bar for calibration, drawn only when stderr is an interactive terminal.
using Spectre.Console;

namespace Onnxc.Driver.Progress;

/// <summary>
/// Runs <c>work</c> with a calibration progress callback. On a terminal the callback moves a Spectre.Console bar on
/// stderr (cleared when done, so the summary that follows stands alone); anywhere else (a pipe, a file, CI, the
/// in-process tests' writers) it does nothing, so logs hold no control sequences.
/// </summary>
internal static class CalibrationProgress
{
    public static T Run<T>(TextWriter log, Func<Action<int, int>?, T> work)
    {
        bool terminal = ReferenceEquals(log, Console.Error) && !Console.IsErrorRedirected;
        if (!terminal)
        {
            return work(null);
        }

        IAnsiConsole console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        T result = default!;
        console.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                ProgressTask task = ctx.AddTask("calibrating", autoStart: true, maxValue: 1);
                result = work((done, total) =>
                {
                    task.MaxValue = total;
                    task.Value = done;
                });
                task.StopTask();
            });
        return result;
    }
}
