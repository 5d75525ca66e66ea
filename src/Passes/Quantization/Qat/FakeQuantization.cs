// Converts a QDQ model to its fake-quantized training form and back: float weights through Q→DQ, then frozen again.
using Onnxc.Passes.Opset;

namespace Onnxc.Passes.Quantization.Qat;

/// <summary>
/// Quantization-aware training works on the QDQ model onnxc's INT8 compiler writes. <see cref="ToTrainable"/>
/// turns every quantized weight, DequantizeLinear(W_q, s, z) feeding a Conv, Gemm or MatMul weight, into
/// QuantizeLinear(W, s', z) → DequantizeLinear with W the float weight (taken from the float model the QDQ
/// model came from, so no precision is lost to a round trip) and s' a scale of its own that training may learn
/// (LSQ). Its int32 bias, DequantizeLinear(b_q, s_x·s_w), becomes the float bias b. Activation pairs stay as
/// they are: their scales are the calibrated ones, and gradients pass them straight through.
/// <para>With <c>weightBits</c> = 4 the weights get symmetric int4 scales per channel, s = max|W|/7, and the
/// model is raised to opset 21 (int4 QuantizeLinear/DequantizeLinear); with 8 the compiler's scales are kept.</para>
/// <para><see cref="Freeze"/> is the way back: each weight pair becomes the constant W_q = clamp(round(W/s')+z) of
/// its type (int4 to [−8, 7], the range training saw; int8 to ±<c>weightMax8</c>, the encoding's range: 63 on CPUs without
/// VNNI) and each float bias the int32
/// round(b/(s_x·s')), so the result is a QDQ model of the same form ONNX Runtime runs, with the trained values.</para>
/// </summary>
public static class FakeQuantization
{
    /// <summary>The fake-quantized copy of <paramref name="qdq"/>, with float weights from <paramref name="floatModel"/> where names match.</summary>
    public static Model ToTrainable(Model qdq, Model floatModel, int weightBits)
    {
        if (weightBits is not (4 or 8))
        {
            throw new ArgumentException($"--weight-bits {weightBits}: 4 or 8");
        }

        Model m = ModelCopy.Clone(qdq);
        if (weightBits == 4 && (m.OpsetVersion("") ?? 13) < 21)
        {
            OpsetUpgrader.Upgrade(m, 21);
        }

        Graph g = m.Graph;
        var floatNodes = floatModel.Graph.Nodes.Where(n => n.Name.Length > 0).GroupBy(n => n.Name).ToDictionary(k => k.Key, k => k.First());
        int index = 0;
        foreach (Node node in g.Nodes.Where(n => n.OpType is "Conv" or "Gemm" or "MatMul" && n.IsDefaultDomain).ToList())
        {
            if (node.Input(1) is not { Producer: { OpType: "DequantizeLinear" } dq } || dq.Inputs[0] is not { IsConstant: true } wq
                || dq.Inputs[1] is not { IsConstant: true } scale)
            {
                continue;
            }

            index++;
            int rank = wq.Initializer!.Dims.Length;
            int? axis = scale.Initializer!.Dims.Length == 0 ? null : (int)((dq.GetInt("axis", 1) + rank) % rank);
            float[] w = FloatWeight(node, floatNodes, dq);
            (float[] scales, TensorData zeroPoint) = weightBits == 4
                ? Int4Scales(w, wq.Initializer.Dims.ToArray(), axis)
                : ([.. scale.Initializer.ToFloats()], dq.Input(2)?.Initializer ?? TensorData.FromSBytes(scale.Initializer.Dims.AsSpan(), new sbyte[scale.Initializer.ElementCount]));
            string name = node.Name.Length > 0 ? node.Name : $"layer{index}";
            Value wf = g.AddInitializer(g.Model.FreshName(name + ".weight"), TensorData.FromFloats(wq.Initializer.Dims.AsSpan(), w));
            Value s = g.AddInitializer(g.Model.FreshName(name + ".weight_scale"), TensorData.FromFloats(scale.Initializer.Dims.AsSpan(), scales));
            Value z = g.AddInitializer(g.Model.FreshName(name + ".weight_zero_point"), zeroPoint);
            NodeAttribute[] axisAttr = axis is int a ? [NodeAttribute.Of("axis", (long)a)] : [];
            Value q = g.AddNode("QuantizeLinear", [wf, s, z], [g.Model.FreshName(name + ".weight_q")], axisAttr, name: g.Model.FreshName(name + "_weight_q"), before: node).Outputs[0]!;
            Value d = g.AddNode("DequantizeLinear", [q, s, z], [g.Model.FreshName(name + ".weight_fq")], axisAttr, name: g.Model.FreshName(name + "_weight_dq"), before: node).Outputs[0]!;
            g.SetInput(node, 1, d);

            if (node.Input(2) is { Producer: { OpType: "DequantizeLinear" } bdq } && bdq.Inputs[0] is { IsConstant: true } bq
                && bdq.Inputs[1] is { IsConstant: true } bs && bq.Initializer!.ElementType == ElementType.Int32)
            {
                int[] values = bq.Initializer.AsSpan<int>().ToArray();
                float[] bscales = bs.Initializer!.ToFloats();
                float[] bias = [.. values.Select((v, i) => v * (bscales.Length == 1 ? bscales[0] : bscales[i]))];
                g.SetInput(node, 2, g.AddInitializer(g.Model.FreshName(name + ".bias"), TensorData.FromFloats([bias.Length], bias)));
            }
        }

        FloatDataMovement(g);
        RemoveUnused(g);
        return m;
    }

    /// <summary>Data-movement ops the INT8 compiler may run on integers, which commute with a per-tensor DequantizeLinear.</summary>
    private static readonly HashSet<string> s_movement = ["Reshape", "Flatten", "Transpose", "Squeeze", "Unsqueeze", "Identity", "MaxPool", "Slice"];

    /// <summary>
    /// The compiler moves data movement onto the integer side (Q → Reshape → DQ), which would stop training's
    /// gradient at the integers. Each DequantizeLinear(op(x_q)) with a per-tensor scale becomes op(DequantizeLinear(x_q)):
    /// the same values (dequantization is elementwise with one scale, and increasing, so MaxPool commutes too),
    /// with the op on floats so the gradient flows through it to the QuantizeLinear above.
    /// </summary>
    private static void FloatDataMovement(Graph g)
    {
        bool changed = true;
        while (changed)
        {
            changed = false;
            foreach (Node dq in g.Nodes.Where(n => n.OpType == "DequantizeLinear" && n.IsDefaultDomain).ToList())
            {
                if (dq.Inputs[0] is not { Producer: { } op } moved || !op.IsDefaultDomain
                    || !(s_movement.Contains(op.OpType) || PadsWithZeroPoint(op, dq))
                    || op.Inputs[0] is not { } source || source.IsConstant || dq.Inputs[1] is not { IsConstant: true } scale
                    || scale.Initializer!.ElementCount != 1)
                {
                    continue;
                }

                Value dequantized = g.AddNode("DequantizeLinear", [source, .. dq.Inputs.Skip(1)], [g.Model.FreshName(source.Name + "_dq")],
                    dq.Attributes, name: g.Model.FreshName(dq.Name + "_moved"), before: op).Outputs[0]!;
                Value?[] rest = [.. op.Inputs.Skip(1)];
                if (op.OpType == "Pad" && rest.Length > 1 && rest[1] is not null)
                {
                    // The zero point pads the integers; zero pads the floats.
                    rest[1] = g.AddConstant("pad_zero", TensorData.Scalar(0f));
                }

                Node floatOp = g.AddNode(op.OpType, [dequantized, .. rest], [g.Model.FreshName(moved.Name + "_float")],
                    op.Attributes, name: g.Model.FreshName(op.Name + "_float"), before: op);
                g.ReplaceAllUsesWith(dq.Outputs[0]!, floatOp.Outputs[0]!);
                g.RemoveNode(dq);
                if (moved.Uses.Count == 0 && !moved.IsGraphOutput)
                {
                    g.RemoveNode(op);
                }

                changed = true;
            }
        }
    }

    /// <summary>A Pad of integers that pads with <paramref name="dq"/>'s zero point (float zero), or repeats edges.</summary>
    private static bool PadsWithZeroPoint(Node op, Node dq)
    {
        if (op.OpType != "Pad" || op.Attribute("pads") is not null)
        {
            return false;
        }

        if (op.GetString("mode", "constant") != "constant")
        {
            return true;
        }

        long zero = dq.Input(2)?.Initializer is { } z && z.ElementCount == 1 ? z.ToInt64s()[0] : 0;
        long pad = op.Input(2)?.Initializer is { } v ? v.ToInt64s()[0] : 0;
        return op.Input(2) is null || op.Input(2)!.IsConstant ? pad == zero : false;
    }

    /// <summary>The QDQ model for trained fake-quantized <paramref name="trained"/>: weights and biases frozen to integers.</summary>
    public static Model Freeze(Model trained, int weightMax8)
    {
        Model m = ModelCopy.Clone(trained);
        Graph g = m.Graph;
        foreach (Node node in g.Nodes.Where(n => n.OpType is "Conv" or "Gemm" or "MatMul" && n.IsDefaultDomain).ToList())
        {
            if (node.Input(1) is not { Producer: { OpType: "DequantizeLinear" } dq }
                || dq.Inputs[0] is not { Producer: { OpType: "QuantizeLinear" } q } || q.Inputs[0] is not { IsConstant: true } wf)
            {
                continue;
            }

            Value scale = q.Inputs[1]!;
            Value? zp = q.Input(2);
            ElementType type = zp?.ElementType ?? ElementType.UInt8;
            (int qmin, int qmax) = type == ElementType.Int4 ? (-8, 7) : (-weightMax8, weightMax8);
            int rank = wf.Initializer!.Dims.Length;
            int? axis = scale.Initializer!.Dims.Length == 0 ? null : (int)((q.GetInt("axis", 1) + rank) % rank);
            float[] w = wf.Initializer.ToFloats();
            float[] s = scale.Initializer.ToFloats();
            long[] dims = [.. wf.Initializer.Dims];
            var values = new int[w.Length];
            for (int i = 0; i < w.Length; i++)
            {
                float si = s[axis is int a ? ChannelOf(i, dims, a) : 0];
                values[i] = (int)Math.Clamp(Math.Round(w[i] / si, MidpointRounding.ToEven), qmin, qmax);
            }

            TensorData frozen = type == ElementType.Int4
                ? TensorData.FromBytes(ElementType.Int4, dims, PackInt4(values))
                : TensorData.FromSBytes(dims, [.. values.Select(v => (sbyte)v)]);
            g.SetInput(dq, 0, g.AddInitializer(g.Model.FreshName(wf.Name + "_quantized"), frozen));

            if (node.Input(2) is { IsConstant: true } b && b.Initializer!.ElementType == ElementType.Float
                && node.Input(0) is { Producer: { OpType: "DequantizeLinear" } xdq } && xdq.Inputs[1] is { IsConstant: true } xs)
            {
                float inputScale = xs.Initializer!.ToFloats()[0];
                var wp = new QuantParams(ElementType.Int8, [.. s], [.. new int[s.Length]], axis);
                (int[] bq, QuantParams bp) = QuantMath.Bias(b.Initializer.ToFloats(), inputScale, wp);
                Value bv = g.AddInitializer(g.Model.FreshName(b.Name + "_quantized"), TensorData.FromInt32s([bq.Length], bq));
                Value bsv = g.AddInitializer(g.Model.FreshName(b.Name + "_scale"), TensorData.FromFloats([bq.Length], bp.Scales.AsSpan()));
                Value bd = g.AddNode("DequantizeLinear", [bv, bsv], [g.Model.FreshName(b.Name + "_dq")], [NodeAttribute.Of("axis", 0L)],
                    name: g.Model.FreshName("bias_dq"), before: node).Outputs[0]!;
                g.SetInput(node, 2, bd);
            }
        }

        foreach (Node q in g.Nodes.Where(n => n.OpType == "QuantizeLinear" && n.Outputs[0]!.Uses.Count == 0).ToList())
        {
            g.RemoveNode(q);
        }

        RemoveUnused(g);
        return m;
    }

    private static float[] FloatWeight(Node node, Dictionary<string, Node> floatNodes, Node dq)
    {
        if (node.Name.Length > 0 && floatNodes.TryGetValue(node.Name, out Node? original) && original.Input(1) is { IsConstant: true } w
            && w.Initializer!.Dims.SequenceEqual(dq.Inputs[0]!.Initializer!.Dims) && w.Initializer.ElementType == ElementType.Float)
        {
            float[] values = w.Initializer.ToFloats();
            float alpha = original.OpType == "Gemm" ? original.GetFloat("alpha", 1f) : 1f;
            return alpha == 1f ? values : [.. values.Select(v => v * alpha)];
        }

        // No float original: the dequantized weight is where training starts.
        TensorData q = dq.Inputs[0]!.Initializer!;
        float[] scales = dq.Inputs[1]!.Initializer!.ToFloats();
        int[] zps = dq.Input(2)?.Initializer is { } z ? [.. z.ToDoubles().Select(v => (int)v)] : new int[scales.Length];
        double[] raw = q.ToDoubles();
        long[] dims = [.. q.Dims];
        int rank = dims.Length;
        int? axis = scales.Length == 1 && dq.Inputs[1]!.Initializer!.Dims.Length == 0 ? null : (int)((dq.GetInt("axis", 1) + rank) % rank);
        return [.. raw.Select((v, i) => { int c = axis is int a ? ChannelOf(i, dims, a) : 0; return (float)((v - zps[c]) * scales[c]); })];
    }

    /// <summary>Symmetric int4 scales, max|W|/7 per channel (or per tensor), and the int4 zero points (0).</summary>
    private static (float[] Scales, TensorData ZeroPoint) Int4Scales(float[] w, long[] dims, int? axis)
    {
        int channels = axis is int a ? (int)dims[a] : 1;
        var max = new float[channels];
        for (int i = 0; i < w.Length; i++)
        {
            int c = axis is int ax ? ChannelOf(i, dims, ax) : 0;
            max[c] = Math.Max(max[c], Math.Abs(w[i]));
        }

        float[] scales = [.. max.Select(v => v > 0 ? v / 7f : 1f)];
        long[] zDims = axis is null ? [] : [channels];
        return (scales, TensorData.FromBytes(ElementType.Int4, zDims, new byte[(channels + 1) / 2]));
    }

    private static int ChannelOf(int flat, long[] dims, int axis)
    {
        long inner = 1;
        for (int d = axis + 1; d < dims.Length; d++)
        {
            inner *= dims[d];
        }

        return (int)(flat / inner % dims[axis]);
    }

    /// <summary>Two int4 values per byte, the first in the low nibble (ONNX's packing).</summary>
    private static byte[] PackInt4(int[] values)
    {
        var bytes = new byte[(values.Length + 1) / 2];
        for (int i = 0; i < values.Length; i++)
        {
            bytes[i / 2] |= (byte)((values[i] & 0xF) << (i % 2 == 0 ? 0 : 4));
        }

        return bytes;
    }

    private static void RemoveUnused(Graph g)
    {
        bool removed = true;
        while (removed)
        {
            removed = false;
            foreach (Node n in g.Nodes.Reverse().ToList())
            {
                if (n.Outputs.All(o => o is null || (o.Uses.Count == 0 && !o.IsGraphOutput)))
                {
                    g.RemoveNode(n);
                    removed = true;
                }
            }
        }

        foreach (Value init in g.Initializers.Where(v => v.Uses.Count == 0 && !v.IsGraphOutput && !v.IsGraphInput).ToList())
        {
            g.RemoveInitializer(init);
        }
    }
}
