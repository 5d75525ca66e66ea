// What one epoch of training measured.
namespace Onnxc.Passes.Training;

/// <summary>
/// Mean training loss and top-1 over the epoch's batches (augmented data, weights changing as it goes), top-1 on
/// the validation data after the epoch (null without one), training throughput in samples per second, and the
/// process's working set at the end of the epoch (so a run whose memory grows with the steps shows it).
/// </summary>
public sealed record EpochSummary(int Epoch, int Steps, double MeanLoss, double TrainAccuracy, double? ValidationAccuracy, double SamplesPerSecond, double Seconds, long WorkingSetBytes = 0);
