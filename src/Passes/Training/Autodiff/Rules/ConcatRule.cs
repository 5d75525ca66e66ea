// Backward of Concat.
namespace Onnxc.Passes.Training.Autodiff.Rules;

/// <summary>
/// y = x₀ ‖ x₁ ‖ … along the axis: dx_i = g[o_i : o_i + n_i] along that axis, where n_i is x_i's size there and
/// o_i = Σ_{j&lt;i} n_j. Sizes come from the static shapes when known and from Shape(x_j) at run time otherwise,
/// so a symbolic concatenated axis works.
/// </summary>
public sealed class ConcatRule : IGradientRule
{
    public IReadOnlyList<string> OpTypes { get; } = ["Concat"];

    public IReadOnlyList<Value?> Backward(GradientContext context, Node node, IReadOnlyList<Value?> outputGrads)
    {
        var result = new Value?[node.Inputs.Count];
        if (outputGrads[0] is not { } g)
        {
            return result;
        }

        int rank = GradientOps.Rank(node.Outputs[0]!);
        int axis = GradientOps.Axis(node.GetInt("axis", 0), rank);
        Value axes = context.Int64s(axis);

        // The running offset: a static count while every size so far is static, else a runtime [1] int64.
        long staticOffset = 0;
        Value? dynamicOffset = null;
        for (int i = 0; i < node.Inputs.Count; i++)
        {
            Value x = node.Inputs[i]!;
            long size = x.Shape is { } s && s[axis].Value is { } v ? v : -1;
            Value sizeValue = size >= 0 ? context.Int64s(size)
                : context.Op("Slice", [context.ShapeOf(x), context.Int64s(axis), context.Int64s(axis + 1)]);
            Value start = dynamicOffset is null ? context.Int64s(staticOffset) : dynamicOffset;
            Value? end = null;
            if (dynamicOffset is null && size >= 0)
            {
                staticOffset += size;
            }
            else
            {
                end = context.Op("Add", [start, sizeValue]);
                dynamicOffset = end;
            }

            if (context.NeedsGradient(x))
            {
                end ??= context.Int64s(staticOffset);
                result[i] = context.Op("Slice", [g, start, end, axes]);
            }
        }

        return result;
    }
}
