// Backward of Dropout: the identity in inference form, the kept mask scaled by 1/(1−p) in training form.
namespace Onnxc.Passes.Training.Autodiff.Rules;

/// <summary>
/// Dropout(X, p, training_mode) with training_mode absent or false is Y = X, so dX = dY. In training mode it is
/// Y = X·M/(1−p) with M its boolean mask output, so dX = dY·Cast(M)/(1−p); that needs the mask output, and p
/// is read as a constant or computed in the graph. (The trainer does not differentiate ONNX Runtime's own
/// training-mode Dropout: it feeds its own masks, see <see cref="Training.DropoutTraining"/>; this rule is for
/// graphs that arrive with either form.)
/// </summary>
public sealed class DropoutRule : IGradientRule
{
    public IReadOnlyList<string> OpTypes { get; } = ["Dropout"];

    public IReadOnlyList<Value?> Backward(GradientContext context, Node node, IReadOnlyList<Value?> outputGrads)
    {
        var result = new Value?[node.Inputs.Count];
        if (outputGrads[0] is not { } dy || !context.NeedsGradient(node.Inputs[0]))
        {
            return result;
        }

        bool training = context.Opset >= 12 && node.Input(2) is { } mode
            && (ConstantValues.TryGetInt64s(mode) is not { } flags || flags.Any(f => f != 0));
        if (!training)
        {
            result[0] = dy;
            return result;
        }

        if (node.Output(1) is not { } mask)
        {
            throw new NotSupportedException("Dropout in training mode without its mask output cannot be differentiated");
        }

        Value x = node.Inputs[0]!;
        Value ratio = node.Input(1) ?? context.Scalar(0.5, x);
        Value keep = context.Op("Sub", [context.Scalar(1, x), GradientOps.CastLike(context, ratio, x)]);
        Value kept = context.Op("Mul", [dy, GradientOps.CastLike(context, mask, x)]);
        result[0] = context.Op("Div", [kept, keep]);
        return result;
    }
}
