// The resolved attributes of a Conv, ConvTranspose or pool node: kernel, strides, explicit pads, dilations, group.
namespace Onnxc.Passes.Training.Autodiff;

/// <summary>
/// A window operator's geometry with auto_pad turned into explicit pads from the static input shape, as the
/// backward rules need them: SAME_UPPER/SAME_LOWER pad (⌈in/s⌉−1)·s + (k−1)·d + 1 − in in total, the odd one at
/// the end (UPPER) or the start (LOWER); VALID pads nothing.
/// </summary>
public sealed record ConvGeometry(long[] Kernel, long[] Strides, long[] PadsBegin, long[] PadsEnd, long[] Dilations, long Group)
{
    public int SpatialRank => Kernel.Length;

    /// <summary>
    /// Reads <paramref name="node"/>'s attributes for an input of static spatial dims <paramref name="spatial"/>;
    /// <paramref name="kernel"/> is the kernel size (from the weight, or the pool's kernel_shape).
    /// </summary>
    public static ConvGeometry Of(Node node, long[] spatial, long[] kernel)
    {
        int r = spatial.Length;
        long[] strides = node.GetInts("strides") is { } s ? [.. s] : Ones(r);
        long[] dilations = node.GetInts("dilations") is { } d ? [.. d] : Ones(r);
        long[] begin = new long[r];
        long[] end = new long[r];
        string autoPad = node.GetString("auto_pad", "NOTSET");
        if (autoPad is "SAME_UPPER" or "SAME_LOWER")
        {
            for (int i = 0; i < r; i++)
            {
                long output = (spatial[i] + strides[i] - 1) / strides[i];
                long total = Math.Max(0, ((output - 1) * strides[i]) + ((kernel[i] - 1) * dilations[i]) + 1 - spatial[i]);
                begin[i] = autoPad == "SAME_UPPER" ? total / 2 : total - (total / 2);
                end[i] = total - begin[i];
            }
        }
        else if (autoPad is "NOTSET" && node.GetInts("pads") is { } pads)
        {
            for (int i = 0; i < r; i++)
            {
                begin[i] = pads[i];
                end[i] = pads[i + r];
            }
        }
        else if (autoPad is not ("NOTSET" or "VALID"))
        {
            throw new NotSupportedException($"auto_pad {autoPad}");
        }

        return new ConvGeometry(kernel, strides, begin, end, dilations, node.GetInt("group", 1));
    }

    /// <summary>The output size along spatial axis <paramref name="i"/> for input size <paramref name="input"/>.</summary>
    public long OutputSize(int i, long input) =>
        ((input + PadsBegin[i] + PadsEnd[i] - (((Kernel[i] - 1) * Dilations[i]) + 1)) / Strides[i]) + 1;

    public long[] Pads => [.. PadsBegin, .. PadsEnd];

    /// <summary>The attributes of a node with this geometry: explicit pads, no auto_pad.</summary>
    public NodeAttribute[] Attributes(bool withGroup) =>
    [
        NodeAttribute.Of("strides", Strides),
        NodeAttribute.Of("pads", Pads),
        NodeAttribute.Of("dilations", Dilations),
        .. withGroup ? new[] { NodeAttribute.Of("group", Group) } : [],
    ];

    /// <summary>The static dims of <paramref name="value"/>, or a NotSupportedException naming what is dynamic.</summary>
    public static long[] StaticSpatial(Value value, string what)
    {
        var dims = GradientContext.StaticDims(value) ?? throw new NotSupportedException($"the rank of {what} is unknown");
        if (dims.Skip(1).Any(d => d < 0))
        {
            throw new NotSupportedException($"{what} {value.Name} needs static channel and spatial dims, not [{string.Join(",", dims)}]");
        }

        return [.. dims];
    }

    private static long[] Ones(int r) => [.. Enumerable.Repeat(1L, r)];
}
