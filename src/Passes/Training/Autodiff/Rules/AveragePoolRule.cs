// Backward of AveragePool and GlobalAveragePool: spread each output's gradient evenly over its window.
namespace Onnxc.Passes.Training.Autodiff.Rules;

/// <summary>
/// AveragePool: Y[n,c,t] = (1/|w_t|)·Σ_{i∈w_t} X[n,c,i], with |w_t| = Π K when count_include_pad = 1 (or with no
/// padding), else the number of real (unpadded) elements in the window. So dX = ConvTranspose(dY / |w|, 1) with
/// a kernel of ones per channel (group = C) and the pool's strides, pads and dilations; |w| for
/// count_include_pad = 0 is Conv(ones[1,1,S], ones[1,1,K]) with the same geometry. ceil_mode = 1 is refused.
/// GlobalAveragePool: Y[n,c] = mean over S, so dX = Expand(dY / |S|, Shape(X)).
/// </summary>
public sealed class AveragePoolRule : IGradientRule
{
    public IReadOnlyList<string> OpTypes { get; } = ["AveragePool", "GlobalAveragePool"];

    public IReadOnlyList<Value?> Backward(GradientContext context, Node node, IReadOnlyList<Value?> outputGrads)
    {
        var result = new Value?[node.Inputs.Count];
        Value x = node.Inputs[0]!;
        if (outputGrads[0] is not { } dy || !context.NeedsGradient(x))
        {
            return result;
        }

        if (node.OpType == "GlobalAveragePool")
        {
            Value count = GradientOps.CastLike(context,
                context.Op("Div", [context.Op("Size", [x]), context.Op("Size", [node.Outputs[0]!])]), x);
            result[0] = context.Op("Expand", [context.Op("Div", [dy, count]), context.ShapeOf(x)]);
            return result;
        }

        if (node.GetInt("ceil_mode", 0) != 0)
        {
            throw new NotSupportedException("AveragePool with ceil_mode=1");
        }

        long[] xDims = ConvGeometry.StaticSpatial(x, "the AveragePool input");
        int r = xDims.Length - 2;
        long[] kernel = node.GetInts("kernel_shape") is { } k ? [.. k] : throw new NotSupportedException("AveragePool without kernel_shape");
        var geo = ConvGeometry.Of(node, xDims[2..], kernel);
        long c = xDims[1];
        long window = kernel.Aggregate(1L, (a, v) => a * v);
        bool padded = geo.PadsBegin.Any(p => p != 0) || geo.PadsEnd.Any(p => p != 0);
        ElementType type = x.ElementType == ElementType.Undefined ? ElementType.Float : x.ElementType;

        Value scaled;
        if (padded && node.GetInt("count_include_pad", 0) == 0)
        {
            Value onesX = context.Graph.AddConstant("avgpool_ones", Ones(type, [1, 1, .. xDims[2..]]));
            Value onesK = context.Graph.AddConstant("avgpool_kernel", Ones(type, [1, 1, .. kernel]));
            Value counts = context.Op("Conv", [onesX, onesK], [.. geo.Attributes(withGroup: false), NodeAttribute.Of("kernel_shape", kernel)]);
            scaled = context.Op("Div", [dy, counts]);
        }
        else
        {
            scaled = context.Op("Div", [dy, context.Scalar(window, x)]);
        }

        long[] outSpatial = [.. Enumerable.Range(0, r).Select(i => geo.OutputSize(i, xDims[2 + i]))];
        long[] outputPadding = [.. Enumerable.Range(0, r).Select(i =>
            xDims[2 + i] - ((geo.Strides[i] * (outSpatial[i] - 1)) + ((kernel[i] - 1) * geo.Dilations[i]) + 1 - geo.PadsBegin[i] - geo.PadsEnd[i]))];
        Value ones = context.Graph.AddConstant("avgpool_spread", Ones(type, [c, 1, .. kernel]));
        var spread = geo with { Group = c };
        result[0] = context.Op("ConvTranspose", [scaled, ones],
            [.. spread.Attributes(withGroup: true), NodeAttribute.Of("output_padding", outputPadding), NodeAttribute.Of("kernel_shape", kernel)]);
        return result;
    }

    private static TensorData Ones(ElementType type, long[] dims)
    {
        long n = TensorData.CountElements(dims);
        return type == ElementType.Double
            ? TensorData.FromBytes(ElementType.Double, dims, System.Runtime.InteropServices.MemoryMarshal.AsBytes(Enumerable.Repeat(1.0, (int)n).ToArray().AsSpan()).ToArray())
            : TensorData.FromFloats(dims, Enumerable.Repeat(1f, (int)n).ToArray());
    }
}
