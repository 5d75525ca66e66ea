// How a training run loops: epochs, batches, schedule, seed, augmentation, validation.
namespace Onnxc.Passes.Training;

public sealed record TrainingOptions
{
    public int Epochs { get; init; } = 1;

    public int BatchSize { get; init; } = 64;

    public LearningRateSchedule Schedule { get; init; } = new();

    /// <summary>Seeds shuffling, augmentation and the validation split: the same seed gives the same weights.</summary>
    public int Seed { get; init; }

    public Augmentation Augmentation { get; init; } = Augmentation.None;

    /// <summary>ORT intra-op threads (0: ORT's default, every core).</summary>
    public int Threads { get; init; }

    /// <summary>Fraction of the training data held out for validation when no validation set is given (0: none).</summary>
    public double ValidationSplit { get; init; }

    /// <summary>Stop each epoch after this many steps (null: the whole data set), for short runs and tests.</summary>
    public int? MaxStepsPerEpoch { get; init; }

    /// <summary>Folder for <see cref="TrainingCheckpoint"/>s, written after every epoch (null: none).</summary>
    public string? CheckpointDirectory { get; init; }

    /// <summary>Continue from the checkpoint in <see cref="CheckpointDirectory"/>.</summary>
    public bool Resume { get; init; }

    public void Validate()
    {
        if (Epochs <= 0)
        {
            throw new TrainingException($"--epochs {Epochs} must be ≥ 1");
        }

        if (BatchSize <= 0)
        {
            throw new TrainingException($"--batch {BatchSize} must be ≥ 1");
        }

        if (ValidationSplit is < 0 or >= 1)
        {
            throw new TrainingException($"--val-split {ValidationSplit} is outside [0, 1)");
        }

        if (MaxStepsPerEpoch is <= 0)
        {
            throw new TrainingException($"--steps-per-epoch {MaxStepsPerEpoch} must be ≥ 1");
        }

        if (Augmentation.CropPadding < 0)
        {
            throw new TrainingException($"--crop-padding {Augmentation.CropPadding} must be ≥ 0");
        }

        if (Resume && CheckpointDirectory is null)
        {
            throw new TrainingException("--resume needs --checkpoint DIR");
        }

        Schedule.Validate();
    }
}
