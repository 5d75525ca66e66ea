// A model or request the training pass cannot train: no rule for an op on the gradient path, nothing trainable, bad data.
namespace Onnxc.Passes.Training;

/// <summary>
/// A one-line reason the training pass refused its input. <see cref="Node"/> is the node at fault when there is
/// one, so the driver can name it.
/// </summary>
public sealed class TrainingException : Exception
{
    public TrainingException(string message, Node? node = null)
        : base(message)
    {
        Node = node;
    }

    public TrainingException(string message, Exception inner)
        : base(message, inner)
    {
    }

    public Node? Node { get; }
}
