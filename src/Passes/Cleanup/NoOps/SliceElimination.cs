// eliminate-full-slice: Slice that takes every element of every sliced axis.
using Onnxc.Passes.Rewriting;

namespace Onnxc.Passes.Cleanup.NoOps;

/// <summary>
/// Slice(x) = x when every sliced axis has step 1, a start that clamps to 0, and an end that clamps to the
/// dim: an end at or above the dim, or at or above 2^31 - 1 (exporters write INT_MAX/INT64_MAX for "to the end"),
/// which needs no known dim.
/// </summary>
public sealed class SliceElimination : NoOpRule
{
    public override string Name => "eliminate-full-slice";

    public override string RootOpType => "Slice";

    protected override string? WhyNotNoOp(Node node, RewriteContext context)
    {
        long[]? starts, ends, axes, steps;
        if (node.GetInts("starts") is { } s)
        {
            starts = [.. s];
            ends = node.GetInts("ends") is { } e ? [.. e] : null;
            axes = node.GetInts("axes") is { } a ? [.. a] : null;
            steps = null;
        }
        else
        {
            starts = ConstantInts(node.Input(1));
            ends = ConstantInts(node.Input(2));
            axes = node.Input(3) is null ? null : ConstantInts(node.Input(3));
            steps = node.Input(4) is null ? null : ConstantInts(node.Input(4));
            if ((node.Input(3) is not null && axes is null) || (node.Input(4) is not null && steps is null))
            {
                return "axes or steps are not constant";
            }
        }

        if (starts is null || ends is null)
        {
            return "starts or ends are not constant";
        }

        TensorShape? shape = node.Input(0)!.Shape;
        for (int k = 0; k < starts.Length; k++)
        {
            long axis = axes is null ? k : axes[k];
            Dim dim = shape is null ? Dim.Unknown : shape[(int)(axis < 0 ? axis + shape.Rank : axis)];
            if (steps is not null && steps[k] != 1)
            {
                return $"step {steps[k]} on axis {axis}";
            }

            bool startsAtZero = starts[k] == 0 || (starts[k] < 0 && dim.Value is long d0 && starts[k] + d0 <= 0);
            bool endsAtEnd = ends[k] >= int.MaxValue || (dim.Value is long d1 && ends[k] >= d1);
            if (!startsAtZero || !endsAtEnd)
            {
                return $"axis {axis} is sliced [{starts[k]}, {ends[k]}) of dim {dim}";
            }
        }

        return null;
    }
}
