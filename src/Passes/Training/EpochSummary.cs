// What one epoch of training measured.
using System.Globalization;

namespace Onnxc.Passes.Training;

/// <summary>
/// Mean training loss and top-1 over the epoch's batches (augmented data, weights changing as it goes), top-1 on
/// the validation data after the epoch (null without one), training throughput in samples per second, and the
/// process's working set at the end of the epoch (so a run whose memory grows with the steps shows it).
/// </summary>
public sealed record EpochSummary(int Epoch, int Steps, double MeanLoss, double TrainAccuracy, double? ValidationAccuracy, double SamplesPerSecond, double Seconds, long WorkingSetBytes = 0)
{
    /// <summary>The epoch as one line: loss, training and validation top-1, throughput, time, memory.</summary>
    public string Describe(bool isBest)
    {
        string validation = ValidationAccuracy is { } v ? string.Create(CultureInfo.InvariantCulture, $"val top-1 {100 * v:F2}%, ") : "";
        return string.Create(CultureInfo.InvariantCulture,
            $"epoch {Epoch}: loss {MeanLoss:F4}, train top-1 {100 * TrainAccuracy:F2}%, {validation}{SamplesPerSecond:F0} samples/s, {Seconds:F1} s, working set {WorkingSetBytes / (1024 * 1024)} MiB{(isBest ? " (best)" : "")}");
    }
}
