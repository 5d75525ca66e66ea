// Everything the training-graph builder needs to know besides the model.
using Onnxc.Passes.Training.Losses;
using Onnxc.Passes.Training.Optimizers;

namespace Onnxc.Passes.Training;

public sealed record TrainingSetup
{
    /// <summary>Initializer names or op types to keep fixed (<c>--freeze</c>).</summary>
    public IReadOnlyCollection<string> Freeze { get; init; } = [];

    public OptimizerSettings Optimizer { get; init; } = new();

    public LossSettings Loss { get; init; } = new();

    /// <summary>
    /// Keep BatchNormalization in inference form: normalize by the running statistics, which stay fixed, and train
    /// only its scale and bias (<c>--freeze-bn-stats</c>; for small batches, or a fine-tune that must not move the
    /// statistics).
    /// </summary>
    public bool FreezeBatchNormStatistics { get; init; }

    /// <summary>
    /// Trainable weights whose zero elements stay zero (a sparse model's recovery): their gradient and their updated
    /// value are multiplied by the constant mask (initial value ≠ 0), so neither the step nor weight decay or momentum
    /// moves a pruned element.
    /// </summary>
    public IReadOnlyCollection<string> KeepZeros { get; init; } = [];

    /// <summary>The output that holds the logits; null for the model's first output.</summary>
    public string? LogitsOutput { get; init; }
}
