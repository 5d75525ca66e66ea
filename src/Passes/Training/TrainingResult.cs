// The outcome of a training run: the chosen weights in the input model, and the per-epoch history.
namespace Onnxc.Passes.Training;

/// <summary>
/// <see cref="Model"/> is the input model with the weights of <see cref="BestEpoch"/> (the best validation top-1,
/// or the last epoch when there is no validation data): same inputs, outputs, ops and opsets, new initializers.
/// </summary>
public sealed record TrainingResult(Model Model, IReadOnlyList<EpochSummary> Epochs, int BestEpoch, long Steps);
