// The contract of one op's backward rule.
namespace Onnxc.Passes.Training.Autodiff;

/// <summary>
/// The backward rule of one operator: given the gradients of the loss with respect to a node's outputs, emit the
/// nodes that compute the gradients with respect to its inputs. Each implementation states its math in its doc
/// comment. Rules emit standard ONNX ops only, through <see cref="GradientContext"/>, so the training graph runs
/// on any ONNX Runtime execution provider.
/// </summary>
public interface IGradientRule
{
    /// <summary>The default-domain op types this rule differentiates.</summary>
    IReadOnlyList<string> OpTypes { get; }

    /// <summary>
    /// Emits the input gradients of <paramref name="node"/>. <paramref name="outputGrads"/> has one entry per
    /// output: the gradient value, or null where no gradient flows back through that output. The result has one
    /// entry per input; an entry may be null where the input needs no gradient (it is not in
    /// <see cref="GradientContext.NeedsGradient"/>) or carries none by definition (a shape, an index, an integer
    /// tensor). Every non-null gradient has the shape and element type of its input.
    /// </summary>
    IReadOnlyList<Value?> Backward(GradientContext context, Node node, IReadOnlyList<Value?> outputGrads);
}
