// Prints one line per training epoch for the model maker's log.
using Onnxc.Passes.Training;

namespace Onnxc.ModelMaker;

internal sealed class ConsoleProgress(TextWriter log, string model) : ITrainingProgress
{
    private int _epochs;

    public void EpochStarted(int epoch, int epochs, int steps) => _epochs = epochs;

    public void StepDone(int step, double loss, double samplesPerSecond)
    {
    }

    public void EpochDone(EpochSummary summary, bool isBest) =>
        log.WriteLine($"{model}: epoch {summary.Epoch}/{_epochs}: loss {summary.MeanLoss:F4}, train accuracy {summary.TrainAccuracy:P2}, " +
            $"{summary.SamplesPerSecond:F0} images/s, {summary.Seconds:F1} s");
}
