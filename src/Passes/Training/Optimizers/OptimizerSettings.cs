// Hyperparameters of the optimizer that the training graph carries as nodes.
namespace Onnxc.Passes.Training.Optimizers;

/// <summary>
/// What <see cref="OptimizerGraph"/> emits. The learning rate is not here: it changes per step and is fed as a
/// graph input (see <see cref="OptimizerGraph.StepScalars"/>).
/// </summary>
public sealed record OptimizerSettings
{
    public OptimizerKind Kind { get; init; } = OptimizerKind.Sgd;

    /// <summary>SGD momentum μ (0 for plain SGD).</summary>
    public double Momentum { get; init; } = 0.9;

    /// <summary>Weight decay λ: added to the gradient for SGD, applied to the weight directly for AdamW.</summary>
    public double WeightDecay { get; init; }

    public double Beta1 { get; init; } = 0.9;

    public double Beta2 { get; init; } = 0.999;

    public double Epsilon { get; init; } = 1e-8;

    /// <summary>Checks the ranges and throws a <see cref="TrainingException"/> naming the bad one.</summary>
    public void Validate()
    {
        if (Momentum is < 0 or >= 1)
        {
            throw new TrainingException($"momentum {Momentum} is outside [0, 1)");
        }

        if (WeightDecay < 0 || !double.IsFinite(WeightDecay))
        {
            throw new TrainingException($"weight decay {WeightDecay} must be a finite number ≥ 0");
        }

        if (Beta1 is < 0 or >= 1 || Beta2 is < 0 or >= 1)
        {
            throw new TrainingException($"Adam betas ({Beta1}, {Beta2}) must lie in [0, 1)");
        }

        if (Epsilon <= 0)
        {
            throw new TrainingException($"epsilon {Epsilon} must be > 0");
        }
    }
}
