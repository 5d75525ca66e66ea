// -O int8-dynamic: int8 weights for MatMul/Gemm, activations quantized at run time; needs no calibration data.
using Onnxc.Evaluation.Data;
using Onnxc.GraphIR;
using Onnxc.Passes.Quantization.Stages;

namespace Onnxc.Passes.Quantization;

/// <summary>
/// Dynamic quantization. Each MatMul with a constant [K, N] weight (and each Gemm with transA = 0, a constant B and
/// a constant or absent bias vector) becomes com.microsoft DynamicQuantizeMatMul(A, B_int8, b_scale, b_zp, bias):
/// ORT quantizes A to u8 per call from its actual range and multiplies u8·s8 into int32. The weights are symmetric
/// int8 per output column, and follow the same target rule as static INT8 (7-bit without VNNI), since the kernel
/// is the same u8·s8 GEMM. Gemm's alpha is folded into B and beta into the bias; a transposed B is stored [K, N].
/// It runs as <see cref="Int8Pipelines.Dynamic"/>: the INT8 preparation, quantize-dynamic, verify-int8.
/// </summary>
public static class DynamicQuantizer
{
    public static QuantizationResult Compile(Model model, QuantizationOptions options, SampleSet? verifyData = null, PassContext? passes = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        long sizeBefore = ModelCopy.SerializedSize(model);
        Model m = ModelCopy.Clone(model);
        PassContext context = passes ?? new PassContext();
        var session = new DynamicInt8Session(options, verifyData, _ => { });
        context.SetService(session);
        context.SetService<IVerifiedCompile>(session);
        Int8Pipelines.Dynamic().Run(m, context);

        var summary = new CompileSummary
        {
            Mode = "int8-dynamic",
            Format = QuantFormat.QOperator,
            Target = options.Target.Name,
            Encoding = $"u8 activations quantized at run time, s8 symmetric weights in [-{QuantMath.WeightMax(options.ReducedRange)}, {QuantMath.WeightMax(options.ReducedRange)}] per column",
            Nodes = session.Decisions,
            SizeBefore = sizeBefore,
            SizeAfter = ModelCopy.SerializedSize(m),
            Verification = session.Verification,
        };
        if (session.Verification is { Passed: false } failed)
        {
            throw new QuantizationException(failed.Message, summary);
        }

        return new QuantizationResult(m, null, summary);
    }

    /// <summary>
    /// The quantize-dynamic stage's work on a prepared model, in place: every MatMul and Gemm it can take becomes
    /// DynamicQuantizeMatMul; returns the decision for every node.
    /// </summary>
    internal static List<NodeDecision> Quantize(Model m, QuantizationOptions options)
    {
        Graph g = m.Graph;
        var excludedNames = new HashSet<string>(options.Exclude, StringComparer.Ordinal);
        var excludedTypes = new HashSet<string>(options.Exclude, StringComparer.OrdinalIgnoreCase);
        var decisions = new List<NodeDecision>();
        foreach (Node n in g.Nodes.ToList())
        {
            string label = n.Name.Length > 0 ? n.Name : n.Outputs[0]?.Name ?? n.OpType;
            if (n.OpType is not ("MatMul" or "Gemm") || !n.IsDefaultDomain)
            {
                decisions.Add(new NodeDecision(label, n.OpType, false, "dynamic quantization covers MatMul and Gemm only"));
                continue;
            }

            if (excludedNames.Contains(n.Name) || excludedNames.Contains(label) || excludedTypes.Contains(n.OpType))
            {
                decisions.Add(new NodeDecision(label, n.OpType, false, "excluded (--exclude)"));
                continue;
            }

            string? why = Rewrite(g, n, options);
            decisions.Add(new NodeDecision(label, n.OpType, why is null, why ?? "DynamicQuantizeMatMul, int8 weights per column"));
        }

        foreach (Value init in g.Initializers.ToList())
        {
            if (init.Uses.Count == 0 && !init.IsGraphInput && !init.IsGraphOutput)
            {
                g.RemoveInitializer(init);
            }
        }

        if (decisions.Any(d => d.Quantized) && m.OpsetVersion(QOperatorLowering.MsDomain) is null)
        {
            m.SetOpset(QOperatorLowering.MsDomain, 1);
        }

        return decisions;
    }

    /// <summary>Rewrites one MatMul/Gemm; returns why not when it cannot.</summary>
    private static string? Rewrite(Graph g, Node n, QuantizationOptions options)
    {
        if (n.Input(0) is not { } a || a.ElementType != ElementType.Float)
        {
            return "input is not float";
        }

        if (n.Input(1) is not { IsConstant: true } b || b.Initializer!.ElementType != ElementType.Float || b.Initializer.Dims.Length != 2)
        {
            return "weight is not a constant float matrix";
        }

        float[] w = b.Initializer.ToFloats();
        long rows = b.Initializer.Dims[0], cols = b.Initializer.Dims[1];
        float alpha = 1, beta = 1;
        float[]? bias = null;
        if (n.OpType == "Gemm")
        {
            if (n.GetInt("transA", 0) != 0)
            {
                return "Gemm with transA";
            }

            alpha = n.GetFloat("alpha", 1);
            beta = n.GetFloat("beta", 1);
            if (n.GetInt("transB", 0) != 0)
            {
                w = Transpose(w, rows, cols);
                (rows, cols) = (cols, rows);
            }

            if (n.Input(2) is { } c)
            {
                if (!c.IsConstant || (c.Initializer!.ElementCount != cols && c.Initializer.ElementCount != 1))
                {
                    return "bias is not a constant vector";
                }

                float[] cv = c.Initializer.ToFloats();
                bias = [.. Enumerable.Range(0, (int)cols).Select(i => beta * cv[cv.Length == 1 ? 0 : i])];
            }
        }

        if (alpha != 1)
        {
            w = [.. w.Select(v => v * alpha)];
        }

        (sbyte[] q, QuantParams p) = QuantMath.Weight(w, [rows, cols], options.Weights == WeightGranularity.PerChannel ? 1 : null, options.ReducedRange);
        Value wq = g.AddConstant("w", TensorData.FromSBytes([rows, cols], q));
        long[] sdims = p.IsPerChannel ? [cols] : [];
        Value scale = g.AddConstant("s", TensorData.FromFloats(sdims, p.Scales.AsSpan()));
        Value zp = g.AddConstant("z", TensorData.FromSBytes(sdims, new sbyte[p.Scales.Length]));
        Value? biasValue = bias is null ? null : g.AddConstant("b", TensorData.FromFloats([cols], bias));
        Value y = n.Outputs[0]!;
        Node dq = g.AddNode(
            "DynamicQuantizeMatMul",
            biasValue is null ? [a, wq, scale, zp] : [a, wq, scale, zp, biasValue],
            [g.Model.FreshName(y.Name + "_dyn")],
            domain: QOperatorLowering.MsDomain,
            name: n.Name,
            before: n);
        Graph.SetType(dq.Outputs[0]!, y.Type);
        g.ReplaceAllUsesWith(y, dq.Outputs[0]!);
        g.RemoveNode(n);
        return null;
    }

    private static float[] Transpose(float[] w, long rows, long cols)
    {
        var t = new float[w.Length];
        for (long r = 0; r < rows; r++)
        {
            for (long c = 0; c < cols; c++)
            {
                t[(c * rows) + r] = w[(r * cols) + c];
            }
        }

        return t;
    }
}
