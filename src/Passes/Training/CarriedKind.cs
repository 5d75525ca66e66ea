// What a carried tensor of the training graph is to the model: weight, optimizer state or statistic.
namespace Onnxc.Passes.Training;

/// <summary>What a carried tensor is to the model.</summary>
public enum CarriedKind
{
    /// <summary>A trainable weight: written back into the output model.</summary>
    Parameter,

    /// <summary>Optimizer state (momentum, Adam moments): lives only during training and in checkpoints.</summary>
    OptimizerState,

    /// <summary>A statistic the forward pass updates without a gradient (BatchNorm running mean/variance): written back.</summary>
    Buffer,
}
