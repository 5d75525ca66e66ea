// The training settings of -O int8 --qat and of --recover after pruning, as the command's flags give them.
using Onnxc.Passes.Training.Optimizers;

namespace Onnxc.Compilation;

/// <summary>A training run inside a compile: SGD with momentum 0.9 (or AdamW) and a cosine schedule on labelled data.</summary>
public sealed record QatSettings
{
    /// <summary>--data: the labelled training samples.</summary>
    public required string DataPath { get; init; }

    /// <summary>--val-data: labelled samples measured after every epoch (the best epoch is kept); null for none.</summary>
    public string? ValidationPath { get; init; }

    /// <summary>--weight-bits: the width of the weights QAT trains for (8, or 4 for INT4-in-INT8).</summary>
    public int WeightBits { get; init; } = 8;

    /// <summary>--epochs.</summary>
    public int Epochs { get; init; } = 1;

    /// <summary>--lr: the peak learning rate.</summary>
    public double LearningRate { get; init; } = 0.001;

    /// <summary>--optimizer adamw: AdamW instead of SGD with momentum (transformers train far better with it).</summary>
    public bool AdamW { get; init; }

    /// <summary>--batch.</summary>
    public int BatchSize { get; init; } = 64;

    /// <summary>--steps-per-epoch: stop each epoch after this many steps; null for the whole data.</summary>
    public int? StepsPerEpoch { get; init; }

    /// <summary>--crop: random crops after padding each side by this many pixels (0: none).</summary>
    public int CropPadding { get; init; }

    /// <summary>--flip: random horizontal flips.</summary>
    public bool Flip { get; init; }

    /// <summary>--seed: the seed of shuffling and augmentation.</summary>
    public int Seed { get; init; }

    /// <summary>--teacher: a model to distil from; null for none (--recover distils from the unpruned model then).</summary>
    public string? TeacherPath { get; init; }

    /// <summary>The optimizer: SGD with momentum 0.9 and <paramref name="sgdWeightDecay"/>, or AdamW with <paramref name="adamWeightDecay"/>.</summary>
    public OptimizerSettings Optimizer(double sgdWeightDecay, double adamWeightDecay) => AdamW
        ? new OptimizerSettings { Kind = OptimizerKind.AdamW, WeightDecay = adamWeightDecay }
        : new OptimizerSettings { Momentum = 0.9, WeightDecay = sgdWeightDecay };
}
