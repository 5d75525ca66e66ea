// What the training loss is: cross-entropy on labels, optionally mixed with distillation from a teacher.
namespace Onnxc.Passes.Training.Losses;

/// <summary>
/// The objective of a training run. <see cref="Distillation"/> null means plain (label-smoothed) cross-entropy.
/// <see cref="Features"/> adds β·MSE terms between named student tensors and the teacher's.
/// </summary>
public sealed record LossSettings
{
    /// <summary>Label smoothing ε: the target puts 1−ε on the label and ε/K on every class.</summary>
    public double LabelSmoothing { get; init; }

    public DistillationSettings? Distillation { get; init; }

    public IReadOnlyList<FeatureLoss> Features { get; init; } = [];

    public void Validate()
    {
        if (LabelSmoothing is < 0 or >= 1)
        {
            throw new TrainingException($"label smoothing {LabelSmoothing} is outside [0, 1)");
        }

        if (Distillation is { } d)
        {
            if (d.Temperature <= 0 || !double.IsFinite(d.Temperature))
            {
                throw new TrainingException($"--temperature {d.Temperature} must be > 0");
            }

            if (d.Alpha is < 0 or > 1)
            {
                throw new TrainingException($"--alpha {d.Alpha} is outside [0, 1]");
            }
        }

        foreach (FeatureLoss f in Features)
        {
            if (f.Weight <= 0 || !double.IsFinite(f.Weight))
            {
                throw new TrainingException($"--feature {f.Student}:{f.Teacher}: weight {f.Weight} must be > 0");
            }
        }
    }
}
