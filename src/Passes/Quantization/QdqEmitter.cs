// Writes a quantization plan into the graph as QuantizeLinear/DequantizeLinear pairs (the QDQ format).
using Onnxc.GraphIR;
using Onnxc.Passes.Calibration;

namespace Onnxc.Passes.Quantization;

/// <summary>
/// Emits the QDQ form, valid ONNX at every step: each planned activation x becomes
/// x → QuantizeLinear → DequantizeLinear → (every former reader of x); weights become int8 initializers read
/// through DequantizeLinear (per-channel <c>axis</c>); biases int32 with scale s_x·s_w and zero point 0 so
/// ORT folds them into the integer kernel; constant operands of Add/Mul/Concat are quantized per tensor with the
/// activation type. ORT's QDQ fusions then turn each DQ → op → Q group into an integer op.
/// </summary>
public static class QdqEmitter
{
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<Graph, Dictionary<string, (Value, Value?)>> s_paramCache = [];

    /// <summary>Activation parameters from calibrated ranges; shared tensors take their source's.</summary>
    public static Dictionary<string, QuantParams> ActivationParams(QuantizationPlan plan, CalibrationTable table, ElementType activations)
    {
        var result = new Dictionary<string, QuantParams>(StringComparer.Ordinal);
        foreach (string t in plan.CalibratedTensors)
        {
            TensorRange r = table.Find(t) ?? throw new InvalidOperationException($"the calibration table has no range for '{t}' (was it made for another model?)");
            result[t] = QuantMath.Activation(r.Low, r.High, activations);
        }

        foreach ((string t, string source) in plan.SharedFrom)
        {
            result[t] = result[source];
        }

        return result;
    }

    public static void Emit(Model model, QuantizationPlan plan, IReadOnlyDictionary<string, QuantParams> activationParams, QuantizationOptions options)
    {
        Graph g = model.Graph;
        foreach (Node node in g.Nodes.Where(plan.QuantizedNodes.Contains).ToList())
        {
            switch (node.OpType)
            {
                case "Conv":
                    QuantizeWeightInput(g, node, 1, options.Weights == WeightGranularity.PerChannel ? 0 : null, options, activationParams);
                    break;
                case "Gemm":
                    FoldGemmScalars(g, node);
                    QuantizeWeightInput(g, node, 1, options.Weights == WeightGranularity.PerChannel ? (node.GetInt("transB", 0) != 0 ? 0 : 1) : null, options, activationParams);
                    break;
                case "MatMul" when node.Input(1) is { IsConstant: true } b:
                    QuantizeWeightInput(g, node, 1, options.Weights == WeightGranularity.PerChannel ? b.Initializer!.Dims.Length - 1 : null, options, activationParams);
                    break;
                case "Add" or "Mul" or "Concat":
                    for (int i = 0; i < node.Inputs.Count; i++)
                    {
                        if (node.Input(i) is { IsConstant: true } c && c.Initializer!.ElementType == ElementType.Float)
                        {
                            (byte[] raw, QuantParams p) = QuantMath.Constant(c.Initializer.ToFloats(), options.Activations);
                            Value q = g.AddConstant("c", TensorData.FromBytes(options.Activations, c.Initializer.Dims.AsSpan(), raw));
                            g.SetInput(node, i, Dequantize(g, q, p, node));
                        }
                    }

                    break;
            }
        }

        foreach (string t in plan.ActivationTensors)
        {
            Value v = g.FindValue(t) ?? throw new InvalidOperationException($"planned tensor '{t}' is not in the graph");
            // In the MatMul scope only the quantized readers take the DQ: a residual Add that reads the same tensor
            // as a MatMul (post-norm blocks) keeps the float value.
            InsertPair(g, v, activationParams[t], plan.Scope == QuantScope.MatMul ? plan.QuantizedNodes : null);
        }

        foreach (Node attention in g.Nodes.Where(n => n.OpType == "Attention" && plan.QuantizedNodes.Contains(n)).ToList())
        {
            EmitQAttention(g, attention, options);
        }

        foreach (Value init in g.Initializers.ToList())
        {
            if (init.Uses.Count == 0 && !init.IsGraphOutput && !init.IsGraphInput)
            {
                g.RemoveInitializer(init);
            }
        }

        // Constants are internal to the model: short names keep small models small (activations keep theirs).
        foreach (Value init in g.Initializers.ToList())
        {
            if (!init.IsGraphInput && !init.IsGraphOutput && init.Name.Length > 8)
            {
                g.Rename(init, g.Model.FreshName("k"));
            }
        }

        g.SortTopologically();
    }

    /// <summary>
    /// A planned com.microsoft Attention, whose tokens now arrive through Q → DQ, becomes QAttention reading the
    /// quantized tokens with their scale and zero point, the packed Q|K|V weights as s8 (per column, or per tensor)
    /// and the float bias. QDQ has no form for attention, so both output formats carry the QOperator node.
    /// </summary>
    private static void EmitQAttention(Graph g, Node attention, QuantizationOptions options)
    {
        if (attention.Input(0)?.Producer is not { OpType: "DequantizeLinear" } dq)
        {
            throw new InvalidOperationException($"the tokens of Attention '{attention.Name}' were not quantized");
        }

        TensorData w = attention.Input(1)!.Initializer!;
        (sbyte[] q, QuantParams p) = QuantMath.Weight(w.ToFloats(), [.. w.Dims], options.Weights == WeightGranularity.PerChannel ? 1 : null, options.ReducedRange);
        long[] sdims = p.IsPerChannel ? [p.Scales.Length] : [];
        Value wq = g.AddConstant("w", TensorData.FromSBytes(w.Dims.AsSpan(), q));
        Value ws = g.AddConstant("s", TensorData.FromFloats(sdims, p.Scales.AsSpan()));
        Value wz = g.AddConstant("z", TensorData.FromSBytes(sdims, new sbyte[p.Scales.Length]));
        Value y = attention.Outputs[0]!;
        Node qa = g.AddNode("QAttention", [dq.Input(0), wq, attention.Input(2), dq.Input(1), ws, null, dq.Input(2), wz], [g.Model.FreshName(y.Name + "_q")],
            attention.Attributes, QOperatorLowering.MsDomain, attention.Name, before: attention);
        Graph.SetType(qa.Outputs[0]!, y.Type);
        g.ReplaceAllUsesWith(y, qa.Outputs[0]!);
        g.RemoveNode(attention);
        if (dq.Outputs[0]!.Uses.Count == 0)
        {
            g.RemoveNode(dq);
        }
    }

    /// <summary>x → Q → DQ, and every reader of x (or only those in <paramref name="readers"/>) reads the DQ instead.</summary>
    internal static (Node Q, Node Dq) InsertPair(Graph g, Value v, QuantParams p, IReadOnlySet<Node>? readers = null)
    {
        (Value scale, Value? zp) = ParamValues(g, v.Name, p);
        if (zp is null && p.ElementType == ElementType.Int8)
        {
            // QuantizeLinear without a zero point would produce UINT8: give INT8 activations an explicit one.
            zp = g.AddConstant("z", TensorData.FromSBytes(p.IsPerChannel ? [p.Scales.Length] : [], new sbyte[p.Scales.Length]));
        }

        Node q = g.AddNode("QuantizeLinear", Trim([v, scale, zp]), [g.Model.FreshName("q")], AxisAttr(p), name: "");
        Node dq = g.AddNode("DequantizeLinear", Trim([q.Outputs[0], scale, zp]), [g.Model.FreshName("d")], AxisAttr(p), name: "");
        Graph.SetType(q.Outputs[0]!, new TensorType(p.ElementType, v.Shape));
        Graph.SetType(dq.Outputs[0]!, new TensorType(ElementType.Float, v.Shape));
        if (readers is null)
        {
            g.ReplaceAllUsesWith(v, dq.Outputs[0]!);
            g.SetInput(q, 0, v);
        }
        else
        {
            foreach (Use use in v.Uses.Where(u => readers.Contains(u.Node)).ToList())
            {
                g.SetInput(use.Node, use.InputIndex, dq.Outputs[0]!);
            }
        }

        return (q, dq);
    }

    /// <summary>A DequantizeLinear of the integer value <paramref name="q"/>, placed before <paramref name="before"/>.</summary>
    internal static Value Dequantize(Graph g, Value q, QuantParams p, Node before)
    {
        (Value scale, Value? zp) = ParamValues(g, q.Name, p);
        Node dq = g.AddNode("DequantizeLinear", Trim([q, scale, zp]), [g.Model.FreshName("d")], AxisAttr(p), name: "", before: before);
        Graph.SetType(dq.Outputs[0]!, new TensorType(ElementType.Float, q.Shape));
        return dq.Outputs[0]!;
    }

    /// <summary>
    /// Scale and zero-point initializers for <paramref name="p"/>, shared by every Q/DQ with equal parameters (a
    /// Reshape's output reuses its input's). A zero point of 0 on a signed type is left out (DequantizeLinear's
    /// default), which keeps small models small; UINT8 zero points stay since they fix Q's output type.
    /// </summary>
    internal static (Value Scale, Value? ZeroPoint) ParamValues(Graph g, string hint, QuantParams p)
    {
        _ = hint;
        Dictionary<string, (Value, Value?)> cache = s_paramCache.GetOrCreateValue(g);
        string key = $"{p.ElementType}|{p.Axis}|{string.Join(",", p.Scales.Select(x => BitConverter.SingleToInt32Bits(x)))}|{string.Join(",", p.ZeroPoints)}";
        if (cache.TryGetValue(key, out (Value, Value?) hit) && hit.Item1.Graph == g && g.FindValue(hit.Item1.Name) == hit.Item1)
        {
            return hit;
        }

        long[] dims = p.IsPerChannel ? [p.Scales.Length] : [];
        Value scale = g.AddConstant("s", TensorData.FromFloats(dims, p.Scales.AsSpan()));
        Value? zp = null;
        if (p.ElementType == ElementType.UInt8 || p.ZeroPoints.Any(z => z != 0))
        {
            TensorData zpData = p.ElementType switch
            {
                ElementType.Int8 => TensorData.FromSBytes(dims, [.. p.ZeroPoints.Select(z => (sbyte)z)]),
                ElementType.UInt8 => TensorData.FromBytesU8(dims, [.. p.ZeroPoints.Select(z => (byte)z)]),
                _ => TensorData.FromInt32s(dims, p.ZeroPoints.AsSpan()),
            };
            zp = g.AddConstant("z", zpData);
        }

        cache[key] = (scale, zp);
        return (scale, zp);
    }

    private static Value?[] Trim(Value?[] inputs) => inputs[^1] is null ? inputs[..^1] : inputs;

    private static NodeAttribute[] AxisAttr(QuantParams p) => p.Axis is int a ? [NodeAttribute.Of("axis", (long)a)] : [];

    private static void QuantizeWeightInput(Graph g, Node node, int index, int? axis, QuantizationOptions options, IReadOnlyDictionary<string, QuantParams> act)
    {
        Value w = node.Input(index)!;
        TensorData wt = w.Initializer!;
        (sbyte[] values, QuantParams wp) = QuantMath.Weight(wt.ToFloats(), wt.Dims, axis, options.ReducedRange);
        Value wq = g.AddConstant("w", TensorData.FromSBytes(wt.Dims.AsSpan(), values));
        g.SetInput(node, index, Dequantize(g, wq, wp, node));

        if (node.Input(2) is { IsConstant: true } b && b.Initializer!.ElementType == ElementType.Float)
        {
            QuantParams xp = act[node.Input(0)!.Name];
            long channels = axis is int a ? wt.Dims[a] : (node.OpType == "Conv" ? wt.Dims[0] : b.Initializer.ElementCount);
            float[] bias = b.Initializer.ToFloats();
            if (bias.Length == 1 && channels > 1)
            {
                bias = Enumerable.Repeat(bias[0], (int)channels).ToArray();
            }

            if (bias.Length != channels)
            {
                return;
            }

            (int[] bq, QuantParams bp) = QuantMath.Bias(bias, xp.Scale, wp);
            Value bv = g.AddConstant("b", TensorData.FromInt32s([bias.Length], bq));
            g.SetInput(node, 2, Dequantize(g, bv, bp, node));
        }
    }

    /// <summary>Gemm computes alpha·A·B + beta·C: alpha goes into B and beta into C before they are quantized.</summary>
    private static void FoldGemmScalars(Graph g, Node node)
    {
        float alpha = node.GetFloat("alpha", 1f), beta = node.GetFloat("beta", 1f);
        if (alpha != 1f)
        {
            Value b = node.Input(1)!;
            float[] v = [.. b.Initializer!.ToFloats().Select(x => x * alpha)];
            g.SetInput(node, 1, g.AddConstant(b.Name + "_alpha", TensorData.FromFloats(b.Initializer.Dims.AsSpan(), v)));
            g.RemoveAttribute(node, "alpha");
        }

        if (beta != 1f && node.Input(2) is { IsConstant: true } c)
        {
            float[] v = [.. c.Initializer!.ToFloats().Select(x => x * beta)];
            g.SetInput(node, 2, g.AddConstant(c.Name + "_beta", TensorData.FromFloats(c.Initializer.Dims.AsSpan(), v)));
            g.RemoveAttribute(node, "beta");
        }
    }
}
