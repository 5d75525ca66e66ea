// The INT8 rules: which DQ -> op -> Q groups become INT8 kernel steps, with their constants folded.
using Onnxc.GraphIR;
using Onnxc.Kernels.Conv;
using Onnxc.Kernels.Elementwise;
using Onnxc.Kernels.Pool;
using Onnxc.Kernels.Quantization;
using Onnxc.Kernels.Runtime;
using Onnxc.Kernels.Runtime.Steps;

namespace Onnxc.Passes.Lowering;

public sealed partial class Int8Lowering
{
    /// <summary>The QuantizeLinear closing an island, the activation fused before it, and their nodes.</summary>
    private sealed record IslandEnd(Node Quantize, QuantParams Output, FusedActivation Activation, Node? ActivationNode);

    /// <summary>Lowers <paramref name="node"/> as an INT8 island; returns null when done, else why not.</summary>
    private string? TryLowerInt8(Node node) => node.OpType switch
    {
        "Conv" => LowerConvInt8(node),
        "Gemm" or "MatMul" => LowerGemmInt8(node),
        "Add" => LowerAddInt8(node),
        "MaxPool" or "AveragePool" or "GlobalAveragePool" => LowerPoolInt8(node),
        "Concat" => LowerConcatInt8(node),
        "Relu" or "Clip" => LowerActivationInt8(node),
        "Reshape" or "Flatten" or "Squeeze" or "Unsqueeze" or "Identity" or "Dropout" or "Transpose" or "Slice" or "Pad" => LowerDataMovementInt8(node),
        _ => "no INT8 kernel for this op",
    };

    /// <summary>
    /// Ops that read an 8-bit tensor directly (no DequantizeLinear in between; the quantizer's cleanup leaves
    /// value-preserving ops like Reshape and MaxPool on the integers, which ONNX allows for these types):
    /// they run on the bytes and their output keeps the input's quantization.
    /// </summary>
    private bool TryLowerOnBytes(Node node)
    {
        if (node.Input(0) is not { } first || Lookup(first) is not BytesValue x)
            return false;
        var y = node.Outputs[0]!;
        switch (node.OpType)
        {
            case "Reshape" or "Flatten" or "Squeeze" or "Unsqueeze" or "Identity" or "Dropout" or "Transpose" or "Slice" or "Pad":
                _values[y] = new BytesValue(MoveData(node, x.Tensor, y.Name));
                return true;
            case "MaxPool" when x.Tensor.Shape.Length == 4 && node.GetInt("storage_order", 0) == 0:
            {
                var g = PoolGeometryOf(node, x.Tensor.Shape);
                var input = _plan.InLayout(x.Tensor, PlanLayout.Nhwc, node.Describe());
                var output = _plan.NewLike(input, y.Name, [g.Batch, g.Channels, g.OutHeight, g.OutWidth]);
                _plan.Add(new MaxPoolStep(node.Describe(), input.Id, output.Id, g, input.Quant!.Type));
                _values[y] = new BytesValue(output);
                return true;
            }

            default:
                throw new NotSupportedException($"cannot lower {node.Describe()}: it reads the 8-bit tensor '{first.Name}' directly and has no INT8 kernel");
        }
    }

    /// <summary>
    /// Finds the Q after <paramref name="node"/>'s only output, possibly through one Relu/Clip (folded into the
    /// clamp bounds, exact because quantization is monotonic). Guards: single use, not a graph output.
    /// </summary>
    private IslandEnd? FindIslandEnd(Node node, bool allowActivation, out string reason)
    {
        reason = string.Empty;
        var y = node.Outputs[0]!;
        if (node.Outputs.Skip(1).Any(o => o is not null && (o.Uses.Count > 0 || o.IsGraphOutput)))
        {
            reason = "a second output is used";
            return null;
        }

        if (y.IsGraphOutput || y.Uses.Count != 1)
        {
            reason = "its output is a graph output or has several readers, not one QuantizeLinear";
            return null;
        }

        var next = y.Uses[0].Node;
        FusedActivation activation = FusedActivation.None;
        Node? activationNode = null;
        if (allowActivation && next.OpType is "Relu" or "Clip" && y.Uses[0].InputIndex == 0)
        {
            var a = next.Outputs[0]!;
            if (a.IsGraphOutput || a.Uses.Count != 1)
            {
                reason = "the activation after it is not followed by exactly one QuantizeLinear";
                return null;
            }

            activation = next.OpType == "Relu" ? FusedActivation.Relu : ClipActivation(next);
            activationNode = next;
            next = a.Uses[0].Node;
        }

        if (next.OpType != "QuantizeLinear" || next.Input(0) != (activationNode?.Outputs[0] ?? y))
        {
            reason = "its output is not quantized (no QuantizeLinear after it)";
            return null;
        }

        var quant = QdqAttributes.Read(next, Constant, RankOf(node.Input(0)!)).ToQuantParams(next);
        return new IslandEnd(next, quant, activation, activationNode);
    }

    private FusedActivation ClipActivation(Node clip)
    {
        float min = float.NegativeInfinity;
        float max = float.PositiveInfinity;
        if (Opset < 11)
        {
            min = clip.GetFloat("min", min);
            max = clip.GetFloat("max", max);
        }
        else
        {
            if (clip.Input(1) is { } lo)
                min = (Constant(lo) ?? throw new NotSupportedException($"{clip.Describe()} has a non-constant min")).ToFloats()[0];
            if (clip.Input(2) is { } hi)
                max = (Constant(hi) ?? throw new NotSupportedException($"{clip.Describe()} has a non-constant max")).ToFloats()[0];
        }

        return FusedActivation.Clip(min, max);
    }

    /// <summary>Records the island's output tensor as the Q's output and marks the absorbed nodes.</summary>
    private void FinishIsland(IslandEnd end, PlanTensor output)
    {
        _values[end.Quantize.Outputs[0]!] = new BytesValue(output);
        _absorbed.Add(end.Quantize);
        if (end.ActivationNode is not null)
            _absorbed.Add(end.ActivationNode);
    }

    private PlanTensor NewIslandOutput(IslandEnd end, int[] shape, PlanLayout layout) =>
        _plan.NewBytes(end.Quantize.Outputs[0]!.Name, shape, layout, end.Output);

    private string? LowerConvInt8(Node node)
    {
        if (Lookup(node.Input(0)!) is not DequantizedValue x || x.Bytes.Shape.Length != 4)
            return "its input is not a dequantized 8-bit rank-4 tensor";
        if (WeightsOf(node.Input(1)!, out string why) is not { } w)
            return why;
        int[] ws = w.Data.Dims.Select(d => (int)d).ToArray();
        if (ws.Length != 4 || (w.Scales.Length != 1 && (w.Axis != 0 || w.Scales.Length != ws[0])))
            return "its weights are not 2-D convolution weights quantized per tensor or per output channel";
        if (FindIslandEnd(node, allowActivation: true, out string reason) is not { } end)
            return reason;
        var g = ConvGeometry(node, x.Bytes.Shape, ws);
        if (BiasOf(node.Input(2), x.Bytes.Quant!.Scale, w.Scales, ws[0], out why) is not { } bias)
            return why;

        var input = _plan.InLayout(x.Bytes, PlanLayout.Nhwc, node.Describe());
        var output = NewIslandOutput(end, [g.Batch, g.OutChannels, g.OutHeight, g.OutWidth], PlanLayout.Nhwc);
        var packed = ConvPacker.Pack(g, w.Data.AsSpan<sbyte>(), w.Scales, bias, x.Bytes.Quant, end.Output, end.Activation);
        _plan.Add(new ConvStep(node.Describe(), input.Id, output.Id, packed));
        FinishIsland(end, output);
        return null;
    }

    private string? LowerGemmInt8(Node node)
    {
        if (Lookup(node.Input(0)!) is not DequantizedValue x)
            return "its input is not a dequantized 8-bit tensor";
        bool gemm = node.OpType == "Gemm";
        if (gemm && (node.GetInt("transA", 0) != 0 || x.Bytes.Shape.Length != 2))
            return "transposed or non-2-D A";
        if (x.Bytes.Shape.Length < 2)
            return "its input has rank < 2";
        if (WeightsOf(node.Input(1)!, out string why) is not { } w)
            return why;
        if (w.Data.Dims.Length != 2)
            return "its weights are not a matrix";
        bool transB = gemm && node.GetInt("transB", 0) != 0;
        int n = (int)w.Data.Dims[transB ? 0 : 1];
        int k = (int)w.Data.Dims[transB ? 1 : 0];
        int nAxis = transB ? 0 : 1;
        if (w.Scales.Length != 1 && (w.Axis != nAxis || w.Scales.Length != n))
            return "its weights are quantized per axis along K (the kernels need per output channel)";
        if (x.Bytes.Shape[^1] != k)
            return $"inner dimensions differ ({x.Bytes.Shape[^1]} vs {k})";
        float alpha = gemm ? node.GetFloat("alpha", 1f) : 1f;
        if (gemm && node.Input(2) is not null && node.GetFloat("beta", 1f) != 1f)
            return "beta != 1 with a bias";
        if (FindIslandEnd(node, allowActivation: true, out string reason) is not { } end)
            return reason;
        float[] scales = w.Scales.Select(s => s * alpha).ToArray();
        if (BiasOf(gemm ? node.Input(2) : null, x.Bytes.Quant!.Scale, scales, n, out why) is not { } bias)
            return why;

        // The kernel wants weights [N][K] (ONNX Conv layout); Gemm's B is [K][N] unless transB.
        var src = w.Data.AsSpan<sbyte>();
        var packedWeights = new sbyte[n * k];
        for (int o = 0; o < n; o++)
        {
            for (int i = 0; i < k; i++)
                packedWeights[(o * k) + i] = transB ? src[(o * k) + i] : src[(i * n) + o];
        }

        var input = _plan.InLayout(x.Bytes, PlanLayout.Logical, node.Describe());
        int m = checked((int)(input.ElementCount / k));
        int[] outShape = [.. input.Shape[..^1], n];
        var output = NewIslandOutput(end, outShape, PlanLayout.Logical);
        var packed = ConvPacker.Pack(Conv2DGeometry.ForGemm(m, k, n), packedWeights, scales, bias, x.Bytes.Quant, end.Output, end.Activation);
        _plan.Add(new ConvStep(node.Describe(), input.Id, output.Id, packed));
        FinishIsland(end, output);
        return null;
    }

    private string? LowerAddInt8(Node node)
    {
        if (Lookup(node.Input(0)!) is not DequantizedValue a || Lookup(node.Input(1)!) is not DequantizedValue b)
            return "an input is not a dequantized 8-bit tensor";
        if (!a.Bytes.Shape.SequenceEqual(b.Bytes.Shape))
            return "it broadcasts (the INT8 Add needs equal shapes)";
        if (FindIslandEnd(node, allowActivation: true, out string reason) is not { } end)
            return reason;
        var right = _plan.InLayout(b.Bytes, a.Bytes.Layout, node.Describe());
        var output = NewIslandOutput(end, a.Bytes.Shape, a.Bytes.Layout);
        var r = AddRequantization.Create(a.Bytes.Quant!, right.Quant!, end.Output, end.Activation);
        _plan.Add(new AddStep(node.Describe(), a.Bytes.Id, right.Id, output.Id, r));
        FinishIsland(end, output);
        return null;
    }

    private string? LowerPoolInt8(Node node)
    {
        if (Lookup(node.Input(0)!) is not DequantizedValue x || x.Bytes.Shape.Length != 4)
            return "its input is not a dequantized 8-bit rank-4 tensor";
        bool max = node.OpType == "MaxPool";
        if (max && node.GetInt("storage_order", 0) != 0)
            return "storage_order = 1";
        if (FindIslandEnd(node, allowActivation: false, out string reason) is not { } end)
            return reason;
        if (max && end.Output != x.Bytes.Quant)
            return "the Q after it has other parameters than its input (MaxPool is exact only on shared parameters)";
        var g = PoolGeometryOf(node, x.Bytes.Shape);
        var input = _plan.InLayout(x.Bytes, PlanLayout.Nhwc, node.Describe());
        var output = NewIslandOutput(end, [g.Batch, g.Channels, g.OutHeight, g.OutWidth], PlanLayout.Nhwc);
        _plan.Add(max
            ? new MaxPoolStep(node.Describe(), input.Id, output.Id, g, end.Output.Type)
            : new AveragePoolStep(node.Describe(), input.Id, output.Id, PackedAveragePool.Create(g, input.Quant!, end.Output)));
        FinishIsland(end, output);
        return null;
    }

    private string? LowerConcatInt8(Node node)
    {
        var inputs = new List<PlanTensor>();
        foreach (var v in node.Inputs)
        {
            if (v is null || Lookup(v) is not DequantizedValue d)
                return "an input is not a dequantized 8-bit tensor";
            inputs.Add(d.Bytes);
        }

        if (FindIslandEnd(node, allowActivation: false, out string reason) is not { } end)
            return reason;
        int rank = inputs[0].Shape.Length;
        int axis = (int)node.GetInt("axis", 1);
        axis = axis < 0 ? axis + rank : axis;
        var layout = inputs.All(t => t.Layout == PlanLayout.Nhwc) ? PlanLayout.Nhwc : PlanLayout.Logical;
        inputs = inputs.Select(t => _plan.InLayout(t, layout, node.Describe())).ToList();
        int[] outShape = (int[])inputs[0].Shape.Clone();
        outShape[axis] = inputs.Sum(t => t.Shape[axis]);
        var output = NewIslandOutput(end, outShape, layout);
        int physical = output.PhysicalAxis(axis);
        int[] ps = output.PhysicalShape;
        int outer = ps.Take(physical).Aggregate(1, (p, d) => p * d);
        int inner = ps.Skip(physical + 1).Aggregate(1, (p, d) => p * d);
        var slices = ConcatSlice.Create(outer, inner, inputs.Select(t => t.PhysicalShape[physical]).ToArray(), inputs.Select(t => t.Quant!).ToList(), end.Output);
        _plan.Add(new ConcatStep(node.Describe(), inputs.Select(t => t.Id).ToArray(), output.Id, slices));
        FinishIsland(end, output);
        return null;
    }

    /// <summary>DQ -> Relu/Clip -> Q alone: a requantizing copy whose clamp bounds are the activation.</summary>
    private string? LowerActivationInt8(Node node)
    {
        if (Lookup(node.Input(0)!) is not DequantizedValue x)
            return "its input is not a dequantized 8-bit tensor";
        if (FindIslandEnd(node, allowActivation: false, out string reason) is not { } end)
            return reason;
        var activation = node.OpType == "Relu" ? FusedActivation.Relu : ClipActivation(node);
        var output = NewIslandOutput(end, x.Bytes.Shape, x.Bytes.Layout);
        _plan.Add(Requantize(node.Describe(), x.Bytes, output, activation));
        FinishIsland(end, output);
        return null;
    }

    /// <summary>Ops that only move values run on the bytes when the Q after them keeps the input's parameters.</summary>
    private string? LowerDataMovementInt8(Node node)
    {
        if (Lookup(node.Input(0)!) is not DequantizedValue x)
            return "its input is not a dequantized 8-bit tensor";
        if (FindIslandEnd(node, allowActivation: false, out string reason) is not { } end)
            return reason;
        if (end.Output != x.Bytes.Quant)
            return "the Q after it has other parameters than its input";
        var output = MoveData(node, x.Bytes, end.Quantize.Outputs[0]!.Name);
        FinishIsland(end, output);
        return null;
    }

    /// <summary>y = clamp(requantize(x)) elementwise: a one-input Concat whose bounds carry the activation.</summary>
    private static ConcatStep Requantize(string source, PlanTensor input, PlanTensor output, FusedActivation activation)
    {
        var slice = ConcatSlice.Create(1, 1, [checked((int)input.ElementCount)], [input.Quant!], output.Quant!)[0];
        (slice.OutputLo, slice.OutputHi) = activation.QuantizedBounds(output.Quant!);
        return new ConcatStep(source, [input.Id], output.Id, [slice]);
    }

    /// <summary>Symmetric int8 weights behind a DequantizeLinear, or null with a reason.</summary>
    private DequantizedConstant? WeightsOf(Value w, out string reason)
    {
        reason = string.Empty;
        if (Lookup(w) is not DequantizedConstant d || d.Data.ElementType != ElementType.Int8)
        {
            reason = "its weights are not int8 constants behind a DequantizeLinear";
            return null;
        }

        if (d.ZeroPoints.Any(z => z != 0))
        {
            reason = "its weights have non-zero zero points (the kernels need symmetric weights)";
            return null;
        }

        return d;
    }

    /// <summary>
    /// The int32 bias in units of <c>s_x * s_w[oc]</c>. An int32 DQ with exactly that scale is taken as is;
    /// other scales, or a float bias, are rounded into those units (error at most half a unit, far below
    /// one output step).
    /// </summary>
    private int[]? BiasOf(Value? b, float inputScale, float[] weightScales, int channels, out string reason)
    {
        reason = string.Empty;
        if (b is null)
            return [];
        double[] real;
        switch (Lookup(b))
        {
            case DequantizedConstant d when d.Data.ElementType == ElementType.Int32 && d.ZeroPoints.All(z => z == 0):
                var q = d.Data.AsSpan<int>().ToArray();
                real = new double[q.Length];
                for (int i = 0; i < q.Length; i++)
                    real[i] = (double)q[i] * d.Scales[d.Scales.Length == 1 ? 0 : i];
                if (q.Length == channels && Enumerable.Range(0, channels).All(i =>
                        Math.Abs(d.Scales[d.Scales.Length == 1 ? 0 : i] - (inputScale * weightScales[weightScales.Length == 1 ? 0 : i])) <= 1e-6 * d.Scales[d.Scales.Length == 1 ? 0 : i]))
                    return q;
                break;
            case ConstantValue c when c.Data.ElementType == ElementType.Float:
                real = c.Data.ToDoubles();
                break;
            case DequantizedConstant d:
                real = d.ToFloats().Select(f => (double)f).ToArray();
                break;
            default:
                reason = "its bias is not a constant";
                return null;
        }

        if (real.Length == 1 && channels > 1)
            real = Enumerable.Repeat(real[0], channels).ToArray();
        if (real.Length != channels)
        {
            reason = $"its bias has {real.Length} values for {channels} channels";
            return null;
        }

        var result = new int[channels];
        for (int i = 0; i < channels; i++)
        {
            double unit = (double)inputScale * weightScales[weightScales.Length == 1 ? 0 : i];
            double v = Math.Round(real[i] / unit, MidpointRounding.ToEven);
            if (Math.Abs(v) > int.MaxValue)
            {
                reason = "its bias does not fit int32 at scale s_x * s_w";
                return null;
            }

            result[i] = (int)v;
        }

        return result;
    }
}
