// Numpy-style multidirectional broadcasting: output dims and, per output element, the input element it reads.
namespace Onnxc.GraphIR.Evaluation;

public static class Broadcasting
{
    public static long[] Shape(params long[][] shapes)
    {
        int rank = shapes.Max(s => s.Length);
        var result = new long[rank];
        for (int i = 0; i < rank; i++)
        {
            long d = 1;
            foreach (long[] s in shapes)
            {
                int j = i - (rank - s.Length);
                if (j < 0)
                {
                    continue;
                }

                long v = s[j];
                if (v == d || v == 1)
                {
                    continue;
                }

                if (d != 1)
                {
                    throw new ArgumentException($"shapes [{string.Join("],[", shapes.Select(x => string.Join(",", x)))}] do not broadcast");
                }

                d = v;
            }

            result[i] = d;
        }

        return result;
    }

    /// <summary>For each element of <paramref name="outDims"/> (row-major), the flat index read from <paramref name="inDims"/>.</summary>
    public static int[] IndexMap(long[] outDims, long[] inDims)
    {
        long count = TensorData.CountElements(outDims);
        var map = new int[count];
        int rank = outDims.Length;
        var strides = new long[rank];
        long stride = 1;
        for (int i = inDims.Length - 1; i >= 0; i--)
        {
            int o = i + (rank - inDims.Length);
            strides[o] = inDims[i] == 1 ? 0 : stride;
            stride *= inDims[i];
        }

        var counter = new long[rank];
        long offset = 0;
        for (long n = 0; n < count; n++)
        {
            map[n] = (int)offset;
            for (int d = rank - 1; d >= 0; d--)
            {
                counter[d]++;
                offset += strides[d];
                if (counter[d] < outDims[d])
                {
                    break;
                }

                offset -= strides[d] * counter[d];
                counter[d] = 0;
            }
        }

        return map;
    }

    /// <summary>Row-major strides of <paramref name="dims"/>.</summary>
    public static long[] Strides(long[] dims)
    {
        var s = new long[dims.Length];
        long acc = 1;
        for (int i = dims.Length - 1; i >= 0; i--)
        {
            s[i] = acc;
            acc *= dims[i];
        }

        return s;
    }
}
