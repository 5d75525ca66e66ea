// How the onnxc command shows a compile: summary on stdout, diagnostics on stderr, progress bars on a terminal.
using Onnxc.Compilation;
using Onnxc.Passes.Training;

namespace Onnxc.Driver.Progress;

/// <summary>
/// The command's <see cref="CompileObserver"/>: summary lines go to <paramref name="stdout"/>, diagnostic lines
/// to <paramref name="stderr"/>; calibration and training draw Spectre.Console bars when stderr is the process's
/// interactive terminal and plain lines anywhere else.
/// </summary>
internal sealed class ConsoleCompileObserver(TextWriter stdout, TextWriter stderr) : CompileObserver
{
    public override void Summary(string line) => stdout.WriteLine(line);

    public override void Diagnostic(string line) => stderr.WriteLine(line);

    public override T Calibrating<T>(Func<Action<int, int>?, T> calibrate) => CalibrationProgress.Run(stderr, calibrate);

    public override T Training<T>(Func<ITrainingProgress, T> train) => TrainingProgressBar.Run(stderr, train);
}
