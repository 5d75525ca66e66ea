// Backward of Softmax and LogSoftmax along one axis (opset-13 semantics).
namespace Onnxc.Passes.Training.Autodiff.Rules;

/// <summary>
/// Softmax y_i = e^{x_i} / Σ_j e^{x_j} along the axis: dx = y ⊙ (g − Σ_axis g ⊙ y).
/// LogSoftmax y_i = x_i − log Σ_j e^{x_j}: dx = g − e^{y} ⊙ Σ_axis g.
/// Both sums keep the axis so they broadcast back. From opset 13 the axis is one axis (default −1); before 13
/// the input was coerced to 2-D at the axis, which the training pipeline removes by upgrading first.
/// </summary>
public sealed class SoftmaxRule : IGradientRule
{
    public IReadOnlyList<string> OpTypes { get; } = ["Softmax", "LogSoftmax"];

    public IReadOnlyList<Value?> Backward(GradientContext context, Node node, IReadOnlyList<Value?> outputGrads)
    {
        Value x = node.Inputs[0]!, y = node.Outputs[0]!;
        if (outputGrads[0] is not { } g || !context.NeedsGradient(x))
        {
            return [null];
        }

        if (context.Opset < 13)
        {
            throw new NotSupportedException($"{node.OpType} before opset 13 flattens to 2-D; upgrade the model to opset 13 first");
        }

        long axis = node.GetInt("axis", -1);
        if (node.OpType == "Softmax")
        {
            Value gy = context.Op("Mul", [g, y]);
            Value s = GradientOps.ReduceSum(context, gy, [axis], keepDims: true);
            return [context.Op("Mul", [y, context.Op("Sub", [g, s])])];
        }

        Value sum = GradientOps.ReduceSum(context, g, [axis], keepDims: true);
        return [context.Op("Sub", [g, context.Op("Mul", [context.Op("Exp", [y]), sum])])];
    }
}
