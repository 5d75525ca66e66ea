// Backward of Slice (inputs form, opset 10 and later), any steps including negative ones.
namespace Onnxc.Passes.Training.Autodiff.Rules;

/// <summary>
/// y = x[starts:ends:steps] on some axes, each y element one distinct x element. Slicing the flat positions
/// p = Reshape(Range(0, |x|), Shape(x)) with the same starts, ends, axes and steps gives, for each y element, the
/// position it came from, so dx = Reshape(ScatterElements(zeros(|x|), flat(Slice(p)), flat(g)), Shape(x)):
/// each position is written at most once, and the rest stay 0. This follows Slice's own clamping rules for any
/// step sign and needs no static shape. The starts, ends, axes and steps get no gradient.
/// </summary>
public sealed class SliceRule : IGradientRule
{
    public IReadOnlyList<string> OpTypes { get; } = ["Slice"];

    public IReadOnlyList<Value?> Backward(GradientContext context, Node node, IReadOnlyList<Value?> outputGrads)
    {
        var result = new Value?[node.Inputs.Count];
        Value x = node.Inputs[0]!;
        if (outputGrads[0] is not { } g || !context.NeedsGradient(x))
        {
            return result;
        }

        if (context.Opset < 10)
        {
            throw new NotSupportedException("Slice before opset 10 keeps its bounds in attributes; upgrade the model first");
        }

        Value sliced = context.Op("Slice", [GradientOps.Positions(context, x), .. node.Inputs.Skip(1)]);
        Value flat = context.Int64s(-1);
        Value zeros = context.Op("Reshape", [GradientOps.ZerosLike(context, x), flat]);
        Value scattered = context.Op("ScatterElements",
            [zeros, context.Op("Reshape", [sliced, flat]), context.Op("Reshape", [g, flat])],
            NodeAttribute.Of("axis", 0L));
        result[0] = context.Op("Reshape", [scattered, context.ShapeOf(x)]);
        return result;
    }
}
