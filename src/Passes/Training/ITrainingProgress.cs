// Callbacks a training run reports through, for progress bars and logs.
namespace Onnxc.Passes.Training;

public interface ITrainingProgress
{
    void EpochStarted(int epoch, int epochs, int steps);

    void StepDone(int step, double loss, double samplesPerSecond);

    void EpochDone(EpochSummary summary, bool isBest);

    /// <summary>A warning about the run (a trainable tensor the loss does not reach); ignored unless implemented.</summary>
    void Warn(string message)
    {
    }
}
