// Where a compile's lines and progress go: the library itself writes nothing to the console.
using Onnxc.Passes.Training;

namespace Onnxc.Compilation;

/// <summary>
/// Receives what a compile reports while it runs. The defaults drop every line and show no progress, so a caller
/// overrides only what it wants: the onnxc command prints <see cref="Summary"/> lines on stdout and
/// <see cref="Diagnostic"/> lines on stderr and draws progress bars on a terminal; the MSBuild task turns them
/// into build messages. Every summary line also comes back in <see cref="CompileResult.Summary"/>.
/// </summary>
public class CompileObserver
{
    /// <summary>An observer that ignores everything.</summary>
    public static CompileObserver None { get; } = new();

    /// <summary>
    /// A line of the compile's summary: what was quantized, pruned or kept float, the verification numbers, the
    /// speed check's timings, the final report.
    /// </summary>
    public virtual void Summary(string line)
    {
    }

    /// <summary>
    /// A diagnostic line: notes and warnings (prefixed "onnxc: "), --time-passes tables, --print-ir-after dumps,
    /// --debug-rewrites reasons, training epochs as they finish.
    /// </summary>
    public virtual void Diagnostic(string line)
    {
    }

    /// <summary>
    /// Runs calibration. <paramref name="calibrate"/> takes a callback of (samples done, samples in all), or null
    /// for none; an override may wrap the call in a progress display.
    /// </summary>
    public virtual T Calibrating<T>(Func<Action<int, int>?, T> calibrate) => calibrate(null);

    /// <summary>
    /// Runs a training loop (--qat, --recover). <paramref name="train"/> takes the callbacks it reports each step
    /// and epoch through; by default every finished epoch becomes a <see cref="Diagnostic"/> line.
    /// </summary>
    public virtual T Training<T>(Func<ITrainingProgress, T> train) => train(new EpochLines(this));

    /// <summary>The default training callbacks: one diagnostic line per finished epoch and per warning.</summary>
    private sealed class EpochLines(CompileObserver observer) : ITrainingProgress
    {
        public void EpochStarted(int epoch, int epochs, int steps)
        {
        }

        public void StepDone(int step, double loss, double samplesPerSecond)
        {
        }

        public void EpochDone(EpochSummary summary, bool isBest) => observer.Diagnostic(summary.Describe(isBest));

        public void Warn(string message) => observer.Diagnostic("onnxc: warning: " + message);
    }
}
