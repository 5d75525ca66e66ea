// Prints one line per training epoch for the model maker's log.
using Onnxc.Passes.Training;

namespace Onnxc.ModelMaker;

internal sealed class ConsoleProgress(TextWriter log) : ITrainingProgress
{
    public void EpochStarted(int epoch, int epochs, int steps)
    {
    }

    public void StepDone(int step, double loss, double samplesPerSecond)
    {
    }

    public void EpochDone(EpochSummary summary, bool isBest) =>
        log.WriteLine($"epoch {summary.Epoch}/{ShapesModel.Epochs}: loss {summary.MeanLoss:F4}, train accuracy {summary.TrainAccuracy:P2}, " +
            $"{summary.SamplesPerSecond:F0} images/s, {summary.Seconds:F1} s");
}
