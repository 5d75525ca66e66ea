// eliminate-dropout: Dropout in inference mode is the identity on its data (its mask output must be unused).
using Onnxc.Passes.Rewriting;

namespace Onnxc.Passes.Cleanup.NoOps;

/// <summary>
/// Dropout outside training returns its input. Training is on when opset 12+'s training_mode input is not a
/// constant false, or when opset 1-6's is_test attribute is 0.
/// </summary>
public sealed class DropoutElimination : NoOpRule
{
    public override string Name => "eliminate-dropout";

    public override string RootOpType => "Dropout";

    protected override string? WhyNotNoOp(Node node, RewriteContext context)
    {
        if (node.Attribute("is_test") is { } isTest && isTest.I == 0 && context.Opset < 7)
        {
            return "is_test=0 (training) at opset < 7";
        }

        if (node.Input(2) is Value training)
        {
            if (ConstantValues.TryGet(training) is not { ElementType: ElementType.Bool } flag)
            {
                return "training_mode is not a constant";
            }

            if (flag.GetBytes().Span.IndexOfAnyExcept((byte)0) >= 0)
            {
                return "training_mode is true";
            }
        }

        return null;
    }
}
