// ONNX attribute reading for convolution and pooling geometry, and shape rules of data-movement ops.
using Onnxc.Kernels.Conv;
using Onnxc.Kernels.Pool;

namespace Onnxc.Passes.Lowering;

/// <summary>Geometry of convolutions and pools from ONNX attributes, and the shape rule of Reshape.</summary>
internal static class LoweringGeometry
{
    /// <summary>Conv geometry from attributes; <paramref name="x"/> is [N, C, H, W], <paramref name="w"/> [OC, C/g, KH, KW].</summary>
    public static Conv2DGeometry ConvGeometry(Node node, int[] x, int[] w)
    {
        int[] strides = Ints(node, "strides", [1, 1]);
        int[] dilations = Ints(node, "dilations", [1, 1]);
        int[] kernel = [w[2], w[3]];
        int[] pads = Pads(node, x, kernel, strides, dilations);
        var g = new Conv2DGeometry
        {
            Batch = x[0], InChannels = x[1], InHeight = x[2], InWidth = x[3], OutChannels = w[0], KernelHeight = w[2], KernelWidth = w[3],
            StrideHeight = strides[0], StrideWidth = strides[1], DilationHeight = dilations[0], DilationWidth = dilations[1],
            PadTop = pads[0], PadLeft = pads[1], PadBottom = pads[2], PadRight = pads[3], Groups = (int)node.GetInt("group", 1),
        };
        g.Validate();
        if (g.InChannelsPerGroup != w[1])
        {
            throw new NotSupportedException($"cannot lower {node.Describe()}: weights have {w[1]} input channels per group, input has {g.InChannelsPerGroup}");
        }

        return g;
    }

    /// <summary>Pool geometry (MaxPool, AveragePool, GlobalAveragePool) on an [N, C, H, W] input.</summary>
    public static PoolGeometry PoolGeometryOf(Node node, int[] x)
    {
        if (node.OpType == "GlobalAveragePool")
        {
            return PoolGeometry.Global(x[0], x[2], x[3], x[1]);
        }

        int[] kernel = Ints(node, "kernel_shape", []);
        if (kernel.Length != 2)
        {
            throw new NotSupportedException($"cannot lower {node.Describe()}: only 2-D pooling is supported");
        }

        int[] strides = Ints(node, "strides", [1, 1]);
        int[] dilations = Ints(node, "dilations", [1, 1]);
        int[] pads = Pads(node, x, kernel, strides, dilations);
        var g = new PoolGeometry
        {
            Batch = x[0], Channels = x[1], InHeight = x[2], InWidth = x[3], KernelHeight = kernel[0], KernelWidth = kernel[1],
            StrideHeight = strides[0], StrideWidth = strides[1], DilationHeight = dilations[0], DilationWidth = dilations[1],
            PadTop = pads[0], PadLeft = pads[1], PadBottom = pads[2], PadRight = pads[3],
            CeilMode = node.GetInt("ceil_mode", 0) != 0, CountIncludePad = node.GetInt("count_include_pad", 0) != 0,
        };
        g.Validate();
        return g;
    }

    /// <summary>[top, left, bottom, right] from pads or auto_pad (SAME_UPPER puts the odd pixel at the end).</summary>
    public static int[] Pads(Node node, int[] x, int[] kernel, int[] strides, int[] dilations)
    {
        string autoPad = node.GetString("auto_pad", "NOTSET");
        if (autoPad is "NOTSET" or "")
        {
            int[] pads = Ints(node, "pads", [0, 0, 0, 0]);
            if (pads.Length != 4)
            {
                throw new NotSupportedException($"cannot lower {node.Describe()}: only 2-D convolution/pooling is supported");
            }

            return pads;
        }

        if (autoPad == "VALID")
        {
            return [0, 0, 0, 0];
        }

        var result = new int[4];
        for (int i = 0; i < 2; i++)
        {
            int size = x[2 + i];
            int outSize = (size + strides[i] - 1) / strides[i];
            int total = Math.Max(0, ((outSize - 1) * strides[i]) + ((kernel[i] - 1) * dilations[i]) + 1 - size);
            int begin = autoPad == "SAME_LOWER" ? total - (total / 2) : total / 2;
            result[i] = begin;
            result[i + 2] = total - begin;
        }

        return result;
    }

    public static int[] Ints(Node node, string name, int[] fallback) =>
        node.GetInts(name) is { } v ? v.Select(i => checked((int)i)).ToArray() : fallback;

    /// <summary>ONNX Reshape's target shape (0 copies the input dim unless allowzero, -1 is inferred).</summary>
    public static int[] ReshapeTarget(Node node, int[] input, long[] target)
    {
        bool allowZero = node.GetInt("allowzero", 0) != 0;
        var result = new int[target.Length];
        int infer = -1;
        long known = 1;
        for (int i = 0; i < target.Length; i++)
        {
            if (target[i] == -1)
            {
                infer = i;
                continue;
            }

            result[i] = target[i] == 0 && !allowZero ? input[i] : checked((int)target[i]);
            known *= result[i];
        }

        long total = input.Aggregate(1L, (a, d) => a * d);
        if (infer >= 0)
        {
            result[infer] = checked((int)(total / Math.Max(1, known)));
        }

        if (result.Aggregate(1L, (a, d) => a * d) != total)
        {
            throw new NotSupportedException($"cannot lower {node.Describe()}: reshape of [{string.Join(",", input)}] to [{string.Join(",", target)}]");
        }

        return result;
    }
}
