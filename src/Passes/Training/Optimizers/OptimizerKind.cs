// The optimizers the training graph can carry.
namespace Onnxc.Passes.Training.Optimizers;

public enum OptimizerKind
{
    /// <summary>Stochastic gradient descent with momentum and coupled weight decay (PyTorch's SGD).</summary>
    Sgd,

    /// <summary>Adam with decoupled weight decay (Loshchilov and Hutter; PyTorch's AdamW).</summary>
    AdamW,
}
