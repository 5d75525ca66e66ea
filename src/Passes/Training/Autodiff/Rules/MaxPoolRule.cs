// Backward of MaxPool: each output's gradient goes to the input element its window's maximum came from.
namespace Onnxc.Passes.Training.Autodiff.Rules;

/// <summary>
/// Y[n,c,t] = max over the window of t. dX[i] = Σ_{t: argmax(t) = i} dY[t] — overlapping windows may pick the
/// same element, so contributions add. The rule recomputes the pool with its Indices output (flat positions in
/// X, as ONNX defines them with storage_order 0) and scatters dY there with ScatterElements(reduction = add),
/// which needs opset 16 (the training graph builder raises older models). Ties go to the element ONNX Runtime
/// reports, as in every framework's max-pool gradient.
/// </summary>
public sealed class MaxPoolRule : IGradientRule
{
    public IReadOnlyList<string> OpTypes { get; } = ["MaxPool"];

    public IReadOnlyList<Value?> Backward(GradientContext context, Node node, IReadOnlyList<Value?> outputGrads)
    {
        var result = new Value?[node.Inputs.Count];
        Value x = node.Inputs[0]!;
        if (outputGrads[0] is not { } dy || !context.NeedsGradient(x))
        {
            return result;
        }

        if (context.Opset < 16)
        {
            throw new NotSupportedException("the MaxPool gradient needs ScatterElements with reduction=add (opset 16)");
        }

        if (node.GetInt("storage_order", 0) != 0)
        {
            throw new NotSupportedException("MaxPool with storage_order=1");
        }

        Value indices = node.Output(1) is { } existing ? existing
            : context.OpN("MaxPool", [x], 2, [.. node.Attributes])[1];
        Value flatX = context.Op("Reshape", [GradientOps.ZerosLike(context, x), context.Int64s(-1)]);
        Value scattered = context.Op("ScatterElements",
            [flatX, context.Op("Reshape", [indices, context.Int64s(-1)]), context.Op("Reshape", [dy, context.Int64s(-1)])],
            NodeAttribute.Of("axis", 0L), NodeAttribute.Of("reduction", "add"));
        result[0] = context.Op("Reshape", [scattered, context.ShapeOf(x)]);
        return result;
    }
}
