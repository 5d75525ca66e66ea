// Rewrites QDQ groups (DQ inputs → op → Q) into integer operators: the QOperator format.
using Onnxc.GraphIR;

namespace Onnxc.Passes.Quantization;

/// <summary>
/// QDQ → QOperator. A group is an op whose data inputs all come from DequantizeLinear and whose output goes only to
/// a QuantizeLinear (possibly through a Relu/Clip that the Q makes redundant: with zero point = qmin, Q already
/// clamps at 0). The group becomes one integer op reading the DQs' integer inputs and the Q's scale and zero
/// point: QLinearConv, QLinearMatMul (ONNX), QLinearAdd, QLinearMul, QLinearConcat, QLinearAveragePool,
/// QLinearGlobalAveragePool, QLinearSigmoid, QLinearLeakyRelu and QGemm (com.microsoft; QGemm may keep a float
/// output). Ops that do not change values (Reshape, MaxPool, ...) run on the integers directly when the Q after
/// them has the DQ's parameters. Afterwards Q(DQ(x)) with equal parameters is x, and unused Q/DQ nodes go.
/// Groups that match no rule stay as they are, which is still valid ONNX.
/// </summary>
public static class QOperatorLowering
{
    public const string MsDomain = "com.microsoft";

    private static readonly HashSet<string> s_sharing = new(StringComparer.Ordinal)
    {
        "Reshape", "Flatten", "Transpose", "Squeeze", "Unsqueeze", "Slice", "Pad", "Gather", "MaxPool", "Resize",
    };

    /// <summary>
    /// The part of the lowering that QDQ keeps: value-preserving ops (Reshape, MaxPool, ...) between a DQ and a Q
    /// with equal parameters run on the integers (ORT has integer kernels for them, and ORT would make the same
    /// rewrite), and a Relu before a Q whose zero point is qmin is dropped. Fewer nodes, same numbers.
    /// </summary>
    public static int RunQdqCleanup(Model model)
    {
        Graph g = model.Graph;
        int changed = 0;
        foreach (Node n in g.Nodes.ToList())
        {
            if (n.IsRemoved || !n.IsDefaultDomain)
            {
                continue;
            }

            if (s_sharing.Contains(n.OpType) && LowerSharing(g, n))
            {
                changed++;
            }
            else if (n.OpType is "Relu" or "Clip" && n.Outputs[0] is { IsGraphOutput: false } a && a.Uses.Count == 1
                && a.Uses[0].Node is { OpType: "QuantizeLinear" } q && ActivationIsRedundant(n, q) && n.Input(0) is { } x)
            {
                g.SetInput(q, 0, x);
                g.RemoveNode(n);
                changed++;
            }
        }

        RemoveRedundantPairs(g);
        RemoveDead(g);
        return changed;
    }

    /// <summary>Lowers every group that matches; returns how many became integer ops.</summary>
    public static int Run(Model model)
    {
        Graph g = model.Graph;
        int lowered = 0;
        foreach (Node n in g.Nodes.ToList())
        {
            if (!n.IsRemoved && n.IsDefaultDomain && Lower(g, n))
            {
                lowered++;
            }
        }

        if (lowered > 0 && model.OpsetVersion(MsDomain) is null)
        {
            model.SetOpset(MsDomain, 1);
        }

        RemoveRedundantPairs(g);
        RemoveDead(g);
        return lowered;
    }

    private static bool Lower(Graph g, Node n)
    {
        if (s_sharing.Contains(n.OpType))
        {
            return LowerSharing(g, n);
        }

        int[] dataInputs = n.OpType switch
        {
            "Conv" => [0, 1],
            "MatMul" or "Add" or "Mul" or "Gemm" => [0, 1],
            "Concat" => [.. Enumerable.Range(0, n.Inputs.Count)],
            "AveragePool" or "GlobalAveragePool" or "Sigmoid" or "LeakyRelu" => [0],
            _ => [],
        };
        if (dataInputs.Length == 0 || dataInputs.Any(i => Dq(n.Input(i)) is null))
        {
            return false;
        }

        (Node? q, Node? act) = OutputQ(n);
        if (q is null && n.OpType != "Gemm")
        {
            return false;
        }

        var ins = dataInputs.Select(i => Dq(n.Input(i))!).ToArray();
        Value? ys = q?.Input(1), yzp = q?.Input(2);
        Value? bias = null;
        if (n.OpType is "Conv" or "Gemm" && n.Input(2) is { } b)
        {
            if (Dq(b) is not { } bdq || bdq.Input(0)!.ElementType != ElementType.Int32)
            {
                return false;
            }

            bias = bdq.Input(0);
        }

        (string op, string domain, Value?[] inputs) = Form(n.OpType, ins, ys, yzp, bias);
        // QGemm has no beta (the emitter folded it into the bias, so it is 1 here).
        var attrs = n.Attributes.Where(a => !(op == "QGemm" && a.Name == "beta")).ToList();
        if (op == "QLinearGlobalAveragePool" || op == "QLinearAveragePool")
        {
            attrs.Add(NodeAttribute.Of("channels_last", 0L));
        }

        Value final = q?.Outputs[0] ?? n.Outputs[0]!;
        while (inputs.Length > 0 && inputs[^1] is null)
        {
            inputs = inputs[..^1];
        }

        Node lowered = g.AddNode(op, inputs, [g.Model.FreshName(n.Outputs[0]!.Name + "_quantized")], attrs, domain, g.Model.FreshName(n.Name.Length > 0 ? n.Name + "_quant" : op), before: n);
        Graph.SetType(lowered.Outputs[0]!, final.Type);
        g.ReplaceAllUsesWith(final, lowered.Outputs[0]!);
        if (q is not null)
        {
            g.RemoveNode(q);
        }

        if (act is not null)
        {
            g.RemoveNode(act);
        }

        if (n.Outputs.All(o => o is null || (o.Uses.Count == 0 && !o.IsGraphOutput)))
        {
            g.RemoveNode(n);
        }

        return true;
    }

    /// <summary>The integer op, its domain and its inputs for a group around <paramref name="opType"/>.</summary>
    private static (string Op, string Domain, Value?[] Inputs) Form(string opType, Node[] ins, Value? ys, Value? yzp, Value? bias)
    {
        switch (opType)
        {
            case "Conv":
                return ("QLinearConv", "", [.. Triple(ins[0]), .. Triple(ins[1]), ys, yzp, bias]);
            case "MatMul":
                return ("QLinearMatMul", "", [.. Triple(ins[0]), .. Triple(ins[1]), ys, yzp]);
            case "Add" or "Mul":
                return ("QLinear" + opType, MsDomain, [.. Triple(ins[0]), .. Triple(ins[1]), ys, yzp]);
            case "Concat":
                return ("QLinearConcat", MsDomain, [ys, yzp, .. ins.SelectMany(Triple)]);
            case "AveragePool" or "GlobalAveragePool" or "Sigmoid" or "LeakyRelu":
                return ("QLinear" + opType, MsDomain, [.. Triple(ins[0]), ys, yzp]);
            default:
                return ("QGemm", MsDomain, [.. Triple(ins[0]), .. Triple(ins[1]), bias, ys, yzp]);
        }
    }

    /// <summary>DQ(x) → op → Q with the same parameters becomes op(x) (Pad's constant becomes the zero point).</summary>
    private static bool LowerSharing(Graph g, Node n)
    {
        if (Dq(n.Input(0)) is not { } dq || OutputQ(n) is not (Node q, null) || !SameParams(dq, q))
        {
            return false;
        }

        if (n.OpType == "Pad" && n.GetString("mode", "constant") == "constant")
        {
            TensorData zp = dq.Input(2)?.Initializer ?? TensorData.FromBytes(dq.Input(0)!.ElementType, [], new byte[1]);
            g.SetInput(n, 2, g.AddConstant("pad_value", new TensorData(zp.ElementType, [], zp.Storage)));
        }

        g.SetInput(n, 0, dq.Input(0));
        Value y = n.Outputs[0]!;
        Graph.SetType(y, q.Outputs[0]!.Type);
        g.ReplaceAllUsesWith(q.Outputs[0]!, y);
        g.RemoveNode(q);
        return true;
    }

    /// <summary>The QuantizeLinear after <paramref name="n"/>, and a Relu/Clip between them that the Q makes redundant.</summary>
    private static (Node? Q, Node? Activation) OutputQ(Node n)
    {
        Value? y = n.Output(0);
        if (y is null || y.IsGraphOutput || y.Uses.Count != 1)
        {
            return (null, null);
        }

        Node next = y.Uses[0].Node;
        if (next.OpType == "QuantizeLinear" && y.Uses[0].InputIndex == 0)
        {
            return (next, null);
        }

        if (next.OpType is "Relu" or "Clip" && next.Outputs[0] is { IsGraphOutput: false } a && a.Uses.Count == 1
            && a.Uses[0].Node is { OpType: "QuantizeLinear" } q && ActivationIsRedundant(next, q))
        {
            return (q, next);
        }

        return (null, null);
    }

    /// <summary>Relu before Q is redundant when the zero point is qmin; Clip(0, M) too when M is at or above the top of Q's range.</summary>
    private static bool ActivationIsRedundant(Node act, Node q)
    {
        if (q.Input(1)?.Initializer is not { } s || q.Input(2)?.Initializer is not { } z || s.ElementCount != 1)
        {
            return false;
        }

        float scale = s.ToFloats()[0];
        int zp = (int)z.ToDoubles()[0];
        (int qmin, int qmax) = QuantMath.Limits(z.ElementType);
        if (zp != qmin)
        {
            return false;
        }

        if (act.OpType == "Relu")
        {
            return true;
        }

        float min = act.Input(1)?.Initializer?.ToFloats()[0] ?? float.NegativeInfinity;
        float max = act.Input(2)?.Initializer?.ToFloats()[0] ?? float.PositiveInfinity;
        return min == 0 && max >= (qmax - zp) * scale;
    }

    private static Node? Dq(Value? v) => v?.Producer is { OpType: "DequantizeLinear" } p ? p : null;

    /// <summary>x, scale and zero point of a DQ; a left-out zero point (0) is made explicit, since QLinear ops need it.</summary>
    private static Value?[] Triple(Node dq)
    {
        Value? zp = dq.Input(2);
        if (zp is null)
        {
            Value x = dq.Input(0)!;
            TensorData scale = dq.Input(1)!.Initializer!;
            zp = dq.Graph.AddConstant("z", TensorData.FromBytes(x.ElementType, scale.Dims.AsSpan(), new byte[x.ElementType.ByteCount(scale.ElementCount)]));
        }

        return [dq.Input(0), dq.Input(1), zp];
    }

    private static bool SameParams(Node dq, Node q) =>
        dq.GetInt("axis", 1) == q.GetInt("axis", 1)
        && SameConstant(dq.Input(1), q.Input(1)) && SameConstant(dq.Input(2), q.Input(2));

    private static bool SameConstant(Value? a, Value? b) =>
        a == b || (a?.Initializer is { } x && b?.Initializer is { } y && x.ContentEquals(y));

    /// <summary>Q(DQ(x)) with the same parameters is x.</summary>
    private static void RemoveRedundantPairs(Graph g)
    {
        foreach (Node q in g.Nodes.Where(n => n.OpType == "QuantizeLinear").ToList())
        {
            if (Dq(q.Input(0)) is { } dq && SameParams(dq, q) && !q.Outputs[0]!.IsGraphOutput)
            {
                g.ReplaceAllUsesWith(q.Outputs[0]!, dq.Input(0)!);
                g.RemoveNode(q);
            }
        }
    }

    private static void RemoveDead(Graph g)
    {
        bool changed = true;
        while (changed)
        {
            changed = false;
            foreach (Node n in g.Nodes.Reverse().ToList())
            {
                if (n.OpType is "QuantizeLinear" or "DequantizeLinear" or "Relu" or "Clip" or "Constant"
                    && n.Outputs.All(o => o is null || (o.Uses.Count == 0 && !o.IsGraphOutput)))
                {
                    g.RemoveNode(n);
                    changed = true;
                }
            }
        }

        foreach (Value init in g.Initializers.ToList())
        {
            if (init.Uses.Count == 0 && !init.IsGraphOutput && !init.IsGraphInput)
            {
                g.RemoveInitializer(init);
            }
        }
    }
}
