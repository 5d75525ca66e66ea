// Progress of a training run: a live bar per epoch on a terminal, one line per epoch anywhere else.
using System.Globalization;
using Onnxc.Passes.Training;
using Spectre.Console;

namespace Onnxc.Driver.Progress;

/// <summary>
/// On an interactive stderr, a Spectre.Console bar per epoch shows the steps, the running loss and the
/// throughput; elsewhere (pipes, CI, the in-process tests) each finished epoch is one plain line on the log, so
/// logs hold no control sequences.
/// </summary>
internal sealed class TrainingProgressBar : ITrainingProgress
{
    private readonly TextWriter _log;
    private readonly ProgressContext? _context;
    private ProgressTask? _task;
    private int _epoch;

    private TrainingProgressBar(TextWriter log, ProgressContext? context)
    {
        _log = log;
        _context = context;
    }

    public static T Run<T>(TextWriter log, Func<ITrainingProgress, T> work)
    {
        bool terminal = ReferenceEquals(log, Console.Error) && !Console.IsErrorRedirected;
        if (!terminal)
        {
            return work(new TrainingProgressBar(log, null));
        }

        IAnsiConsole console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        T result = default!;
        console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .Start(ctx => result = work(new TrainingProgressBar(log, ctx)));
        return result;
    }

    public void EpochStarted(int epoch, int epochs, int steps)
    {
        _epoch = epoch;
        _task = _context?.AddTask($"epoch {epoch}/{epochs}", autoStart: true, maxValue: steps);
    }

    public void StepDone(int step, double loss, double samplesPerSecond)
    {
        if (_task is not null)
        {
            _task.Value = step;
            _task.Description = string.Create(CultureInfo.InvariantCulture, $"epoch {_epoch} loss {loss:F3} {samplesPerSecond:F0}/s");
        }
    }

    public void EpochDone(EpochSummary summary, bool isBest)
    {
        if (_task is not null)
        {
            _task.Description = summary.Describe(isBest);
            _task.StopTask();
        }
        else
        {
            _log.WriteLine(summary.Describe(isBest));
        }
    }

    public void Warn(string message) => _log.WriteLine("onnxc: warning: " + message);
}
