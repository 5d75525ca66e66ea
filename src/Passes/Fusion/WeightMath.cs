// Arithmetic on float weights for fusions: read as doubles, compute, round once back to the weight's type.
namespace Onnxc.Passes.Fusion;

internal static class WeightMath
{
    public static bool IsFoldableFloat(ElementType t) => t is ElementType.Float or ElementType.Double;

    public static TensorData FromDoubles(ElementType type, long[] dims, double[] values) => type switch
    {
        ElementType.Float => TensorData.FromFloats(dims, [.. values.Select(v => (float)v)]),
        ElementType.Double => TensorData.FromBytes(ElementType.Double, dims, System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()).ToArray()),
        _ => throw new NotSupportedException($"{type.OnnxName()} weights are not folded"),
    };

    /// <summary>
    /// The per-channel vector of <paramref name="c"/> when it broadcasts against an output of rank
    /// <paramref name="outRank"/> with <paramref name="channels"/> channels on axis <paramref name="axis"/> and is 1
    /// on every other axis; a scalar-like constant gives the same value for every channel. Null otherwise.
    /// </summary>
    public static double[]? PerChannel(TensorData c, int outRank, int axis, long channels)
    {
        long[] dims = [.. c.Dims];
        if (dims.Length > outRank)
        {
            return null;
        }

        long channelDim = 1;
        for (int i = 0; i < dims.Length; i++)
        {
            int outAxis = i + (outRank - dims.Length);
            if (outAxis == axis)
            {
                channelDim = dims[i];
            }
            else if (dims[i] != 1)
            {
                return null;
            }
        }

        double[] v = c.ToDoubles();
        if (channelDim == channels)
        {
            return v;
        }

        return channelDim == 1 ? [.. Enumerable.Repeat(v[0], (int)channels)] : null;
    }
}
