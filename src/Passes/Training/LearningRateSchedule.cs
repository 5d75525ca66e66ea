// The learning rate per step: constant, cosine or step decay, each after an optional linear warm-up.
namespace Onnxc.Passes.Training;

/// <summary>
/// A learning-rate schedule over <c>totalSteps</c> steps. Warm-up ramps linearly from η/W to η over the first W
/// steps; the schedule proper then runs over the rest.
/// </summary>
public sealed record LearningRateSchedule
{
    public double BaseRate { get; init; } = 0.01;

    public ScheduleKind Kind { get; init; } = ScheduleKind.Constant;

    public int WarmupSteps { get; init; }

    /// <summary>Step decay: multiply by <see cref="Gamma"/> every <see cref="StepEpochs"/> epochs.</summary>
    public double Gamma { get; init; } = 0.1;

    public int StepEpochs { get; init; } = 30;

    public void Validate()
    {
        if (BaseRate <= 0 || !double.IsFinite(BaseRate))
        {
            throw new TrainingException($"--lr {BaseRate} must be a finite number > 0");
        }

        if (WarmupSteps < 0 || StepEpochs <= 0 || Gamma <= 0)
        {
            throw new TrainingException("the schedule needs warm-up ≥ 0, step epochs > 0 and gamma > 0");
        }
    }

    /// <summary>The rate at 0-based <paramref name="step"/> of <paramref name="totalSteps"/>, in epoch <paramref name="epoch"/>.</summary>
    public double At(long step, long totalSteps, int epoch)
    {
        if (step < WarmupSteps)
        {
            return BaseRate * (step + 1) / WarmupSteps;
        }

        return Kind switch
        {
            ScheduleKind.Cosine => BaseRate * 0.5 * (1 + Math.Cos(Math.PI * Math.Min(1.0, (double)(step - WarmupSteps) / Math.Max(1, totalSteps - WarmupSteps)))),
            ScheduleKind.Step => BaseRate * Math.Pow(Gamma, epoch / StepEpochs),
            _ => BaseRate,
        };
    }
}
