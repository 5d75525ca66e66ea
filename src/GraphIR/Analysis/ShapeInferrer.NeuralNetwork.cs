// Inference for convolutions, pools, matrix products, normalizations and recurrent ops, float and quantized.
namespace Onnxc.GraphIR.Analysis;

internal sealed partial class ShapeInferrer
{
    private bool InferNeuralNetwork(Node node, ElementType[] types, TensorShape?[] shapes)
    {
        switch (node.OpType)
        {
            case "Conv":
                shapes[0] = ConvShape(node, ShapeOf(node.Input(0)), ShapeOf(node.Input(1)));
                return true;
            case "ConvTranspose":
                shapes[0] = ConvTransposeShape(node);
                return true;
            case "MaxPool" or "AveragePool" or "LpPool":
                shapes[0] = PoolShape(node, ShapeOf(node.Input(0)));
                if (shapes.Length > 1)
                {
                    shapes[1] = shapes[0];
                }

                return true;
            case "GlobalAveragePool" or "GlobalMaxPool" or "GlobalLpPool":
                shapes[0] = ShapeOf(node.Input(0)) is { Rank: >= 2 } g ? Shape(g.Dims.Select((d, i) => i < 2 ? d : Dim.Of(1))) : null;
                return true;
            case "Gemm":
                shapes[0] = GemmShape(node);
                return true;
            case "MatMul":
                shapes[0] = MatMulShape(ShapeOf(node.Input(0)), ShapeOf(node.Input(1)));
                return true;
            case "BatchNormalization":
                shapes[0] = ShapeOf(node.Input(0));
                for (int i = 1; i < shapes.Length; i++)
                {
                    shapes[i] = ShapeOf(node.Input(3)) ?? ShapeOf(node.Input(1));
                }

                return true;
            case "LayerNormalization":
                InferLayerNorm(node, types, shapes);
                return true;
            case "Dropout":
                shapes[0] = ShapeOf(node.Input(0));
                if (shapes.Length > 1)
                {
                    shapes[1] = shapes[0];
                    types[1] = _opset >= 10 ? ElementType.Bool : types[0];
                }

                return true;
            case "LSTM" or "GRU" or "RNN":
                InferRecurrent(node, types, shapes);
                return true;
            default:
                return false;
        }
    }

    private bool InferQuantized(Node node, ElementType[] types, TensorShape?[] shapes)
    {
        switch (node.OpType)
        {
            case "QuantizeLinear":
                shapes[0] = ShapeOf(node.Input(0));
                types[0] = node.Attribute("output_dtype") is { Kind: AttributeKind.Int, I: > 0 } od ? (ElementType)od.I
                    : node.Input(2)?.ElementType is { } zt && zt != ElementType.Undefined ? zt : ElementType.UInt8;
                return true;
            case "DequantizeLinear":
                shapes[0] = ShapeOf(node.Input(0));
                types[0] = node.Attribute("output_dtype") is { Kind: AttributeKind.Int, I: > 0 } dd ? (ElementType)dd.I
                    : _opset >= 19 ? node.Input(1)?.ElementType ?? ElementType.Undefined : ElementType.Float;
                return true;
            case "DynamicQuantizeLinear":
                shapes[0] = ShapeOf(node.Input(0));
                for (int i = 1; i < shapes.Length; i++)
                {
                    shapes[i] = TensorShape.Scalar;
                }

                return true;
            case "QLinearConv":
                shapes[0] = ConvShape(node, ShapeOf(node.Input(0)), ShapeOf(node.Input(3)));
                return true;
            case "ConvInteger":
                shapes[0] = ConvShape(node, ShapeOf(node.Input(0)), ShapeOf(node.Input(1)));
                return true;
            case "QLinearMatMul":
                shapes[0] = MatMulShape(ShapeOf(node.Input(0)), ShapeOf(node.Input(3)));
                return true;
            case "MatMulInteger":
                shapes[0] = MatMulShape(ShapeOf(node.Input(0)), ShapeOf(node.Input(1)));
                return true;
            default:
                return false;
        }
    }

    /// <summary>
    /// Convolution output [N, M, spatial...] with M = W[0]. Per spatial axis with input i, kernel k, stride s,
    /// dilation d and pads b, e: NOTSET gives floor((i + b + e - d(k-1) - 1) / s) + 1; SAME_* gives ceil(i / s);
    /// VALID gives ceil((i - d(k-1)) / s).
    /// </summary>
    private static TensorShape? ConvShape(Node node, TensorShape? x, TensorShape? w)
    {
        if (x is null || x.Rank < 3)
        {
            return null;
        }

        int spatial = x.Rank - 2;
        long[]? kernel = Ints(node, "kernel_shape") ?? (w is { } ws && ws.Rank == x.Rank && ws.Dims.Skip(2).All(d => d.IsKnown)
            ? [.. ws.Dims.Skip(2).Select(d => d.Value!.Value)] : null);
        var dims = new Dim[x.Rank];
        dims[0] = x[0];
        dims[1] = w is { Rank: > 0 } ? w[0] : Dim.Unknown;
        for (int i = 0; i < spatial; i++)
        {
            dims[2 + i] = kernel is null ? Dim.Unknown : WindowOutput(node, x[2 + i], i, spatial, kernel, ceilMode: false);
        }

        return new TensorShape([.. dims]);
    }

    /// <summary>Pool output [N, C, spatial...], as convolution but with the kernel from kernel_shape and ceil_mode.</summary>
    private static TensorShape? PoolShape(Node node, TensorShape? x)
    {
        if (x is null || x.Rank < 3 || Ints(node, "kernel_shape") is not { } kernel || kernel.Length != x.Rank - 2)
        {
            return null;
        }

        bool ceil = Int(node, "ceil_mode", 0) != 0;
        return Shape(x.Dims.Select((d, i) => i < 2 ? d : WindowOutput(node, d, i - 2, x.Rank - 2, kernel, ceil)));
    }

    /// <summary>
    /// The output size of one sliding-window axis. With ceil_mode the count rounds up, but a last window that would
    /// start in the end padding is dropped (as ONNX Runtime and PyTorch do).
    /// </summary>
    private static Dim WindowOutput(Node node, Dim input, int axis, int spatial, long[] kernel, bool ceilMode)
    {
        if (input.Value is not long size)
        {
            return Dim.Unknown;
        }

        long stride = Ints(node, "strides") is { } st && st.Length == spatial ? st[axis] : 1;
        long dilation = Ints(node, "dilations") is { } dl && dl.Length == spatial ? dl[axis] : 1;
        long effective = dilation * (kernel[axis] - 1) + 1;
        string autoPad = node.GetString("auto_pad", "NOTSET");
        switch (autoPad)
        {
            case "SAME_UPPER" or "SAME_LOWER":
                return CeilDiv(size, stride);
            case "VALID":
                return CeilDiv(size - effective + 1, stride);
        }

        long[] pads = Ints(node, "pads") is { } p && p.Length == 2 * spatial ? p : new long[2 * spatial];
        long padded = size + pads[axis] + pads[axis + spatial] - effective;
        if (padded < 0)
        {
            return Dim.Unknown;
        }

        if (!ceilMode)
        {
            return padded / stride + 1;
        }

        long output = CeilDiv(padded, stride) + 1;
        if ((output - 1) * stride >= size + pads[axis])
        {
            output--;
        }

        return output;
    }

    private static long CeilDiv(long a, long b) => (a + b - 1) / b;

    /// <summary>
    /// Transposed convolution output [N, W[1] * group, spatial...]: output_shape when given, else per axis
    /// s(i - 1) + output_padding + d(k - 1) + 1 - b - e (SAME_*: i * s).
    /// </summary>
    private static TensorShape? ConvTransposeShape(Node node)
    {
        TensorShape? x = ShapeOf(node.Input(0));
        TensorShape? w = ShapeOf(node.Input(1));
        if (x is null || x.Rank < 3)
        {
            return null;
        }

        int spatial = x.Rank - 2;
        long group = Int(node, "group", 1);
        var dims = new Dim[x.Rank];
        dims[0] = x[0];
        dims[1] = w is { Rank: > 1 } && w[1].Value is long c ? c * group : Dim.Unknown;
        long[]? kernel = Ints(node, "kernel_shape") ?? (w is { } ws && ws.Rank == x.Rank && ws.Dims.Skip(2).All(d => d.IsKnown)
            ? [.. ws.Dims.Skip(2).Select(d => d.Value!.Value)] : null);
        long[]? outputShape = Ints(node, "output_shape");
        long[] strides = Ints(node, "strides") is { } st && st.Length == spatial ? st : [.. Enumerable.Repeat(1L, spatial)];
        long[] dilations = Ints(node, "dilations") is { } dl && dl.Length == spatial ? dl : [.. Enumerable.Repeat(1L, spatial)];
        long[] outPad = Ints(node, "output_padding") is { } op && op.Length == spatial ? op : new long[spatial];
        long[] pads = Ints(node, "pads") is { } p && p.Length == 2 * spatial ? p : new long[2 * spatial];
        string autoPad = node.GetString("auto_pad", "NOTSET");
        for (int i = 0; i < spatial; i++)
        {
            if (outputShape is not null && outputShape.Length >= spatial)
            {
                dims[2 + i] = outputShape[outputShape.Length - spatial + i];
            }
            else if (x[2 + i].Value is long size && kernel is not null)
            {
                dims[2 + i] = autoPad is "SAME_UPPER" or "SAME_LOWER"
                    ? size * strides[i]
                    : strides[i] * (size - 1) + outPad[i] + dilations[i] * (kernel[i] - 1) + 1 - pads[i] - pads[i + spatial];
            }
            else
            {
                dims[2 + i] = Dim.Unknown;
            }
        }

        return new TensorShape([.. dims]);
    }

    private static TensorShape? GemmShape(Node node)
    {
        if (ShapeOf(node.Input(0)) is not { Rank: 2 } a || ShapeOf(node.Input(1)) is not { Rank: 2 } b)
        {
            return null;
        }

        Dim m = Int(node, "transA", 0) != 0 ? a[1] : a[0];
        Dim n = Int(node, "transB", 0) != 0 ? b[0] : b[1];
        return new TensorShape([m, n]);
    }

    /// <summary>numpy.matmul: 1-D operands gain then lose a unit axis; batch axes broadcast.</summary>
    internal static TensorShape? MatMulShape(TensorShape? a, TensorShape? b)
    {
        if (a is null || b is null || a.Rank == 0 || b.Rank == 0)
        {
            return null;
        }

        TensorShape a2 = a.Rank == 1 ? new TensorShape([Dim.Of(1), a[0]]) : a;
        TensorShape b2 = b.Rank == 1 ? new TensorShape([b[0], Dim.Of(1)]) : b;
        TensorShape? batch = Broadcast([Shape(a2.Dims.Take(a2.Rank - 2)), Shape(b2.Dims.Take(b2.Rank - 2))]);
        var dims = new List<Dim>(batch!.Dims);
        if (a.Rank > 1)
        {
            dims.Add(a2[a2.Rank - 2]);
        }

        if (b.Rank > 1)
        {
            dims.Add(b2[b2.Rank - 1]);
        }

        return Shape(dims);
    }

    private static void InferLayerNorm(Node node, ElementType[] types, TensorShape?[] shapes)
    {
        TensorShape? x = ShapeOf(node.Input(0));
        shapes[0] = x;
        if (x is null || shapes.Length < 2)
        {
            return;
        }

        int axis = Axis(Int(node, "axis", -1), x.Rank);
        TensorShape stats = Shape(x.Dims.Select((d, i) => i < axis ? d : Dim.Of(1)));
        long stash = Int(node, "stash_type", 1);
        for (int i = 1; i < shapes.Length; i++)
        {
            shapes[i] = stats;
            types[i] = ElementTypes.IsDefined((int)stash) ? (ElementType)stash : ElementType.Float;
        }
    }

    /// <summary>RNN/GRU/LSTM: Y [seq, dirs, batch, hidden] and Y_h/Y_c [dirs, batch, hidden] (layout 1 swaps batch first).</summary>
    private static void InferRecurrent(Node node, ElementType[] types, TensorShape?[] shapes)
    {
        TensorShape? x = ShapeOf(node.Input(0));
        if (x is not { Rank: 3 })
        {
            return;
        }

        bool batchFirst = Int(node, "layout", 0) != 0;
        Dim seq = batchFirst ? x[1] : x[0];
        Dim batch = batchFirst ? x[0] : x[1];
        Dim dirs = node.GetString("direction", "forward") == "bidirectional" ? 2 : 1;
        Dim hidden = node.Attribute("hidden_size") is { Kind: AttributeKind.Int } h ? h.I
            : ShapeOf(node.Input(2)) is { Rank: 3 } r ? r[2] : Dim.Unknown;
        shapes[0] = batchFirst ? new TensorShape([batch, seq, dirs, hidden]) : new TensorShape([seq, dirs, batch, hidden]);
        for (int i = 1; i < shapes.Length; i++)
        {
            shapes[i] = batchFirst ? new TensorShape([batch, dirs, hidden]) : new TensorShape([dirs, batch, hidden]);
            types[i] = types[0];
        }
    }
}
