// fuse-attention: multi-head self-attention as exporters write it becomes one com.microsoft Attention node.
using Onnxc.Passes.Quantization;
using Onnxc.Passes.Rewriting;

namespace Onnxc.Passes.Fusion;

/// <summary>
/// Self-attention over tokens x of [B, S, D]: three projections p = x·W_p + b_p (MatMul with a constant [D, hidden]
/// weight, Add of a constant bias), each split into H heads by Reshape to [B, S, H, d] and Transpose (perm 0,2,1,3
/// for Q and V; 0,2,3,1 for K, which is K already transposed for the product), then Softmax(Q·Kᵀ · c) · V, merged
/// back by Transpose (0,2,1,3) and Reshape to [B, S, hidden]. The scale c (a Mul by c or a Div by 1/c, or none when
/// c = 1) must be 1/√d, which is what com.microsoft Attention applies; the softmax is over the last axis. It becomes
/// Attention(x, [W_q | W_k | W_v], [b_q | b_k | b_v], num_heads = H): ONNX Runtime's fused CPU kernel, which -O int8
/// turns into QAttention. Guards: float x with a known D; B and S of every reshape equal to x's (known or symbolic);
/// every interior value is read only inside the match.
/// </summary>
public sealed class AttentionFusion : RewriteRule<AttentionFusion.Bound>
{
    public override string Name => "fuse-attention";

    public override string RootOpType => "Softmax";

    protected override MatchOutcome<Bound> Match(Node softmax, RewriteContext context)
    {
        if (softmax.Input(0)?.Producer is not { } scaled)
        {
            return Fail("the softmax input has no producer");
        }

        Node scores = scaled;
        Value? scale = null;
        if (scaled.OpType is "Mul" or "Div" && scaled.Inputs.Count == 2)
        {
            int constant = ConstantValues.IsFixed(scaled.Input(1)) ? 1 : scaled.OpType == "Mul" && ConstantValues.IsFixed(scaled.Input(0)) ? 0 : -1;
            if (constant < 0 || scaled.Input(1 - constant)?.Producer is not { } product)
            {
                return Fail("the scores are not scaled by a constant");
            }

            scale = scaled.Input(constant);
            scores = product;
        }

        if (scores.OpType != "MatMul" || !scores.IsDefaultDomain)
        {
            return Fail("the softmax does not read Q·Kᵀ");
        }

        if (softmax.Outputs[0]!.Uses is not [{ Node: { OpType: "MatMul" } mix, InputIndex: 0 }])
        {
            return Fail("the probabilities are not multiplied by V");
        }

        if (mix.Outputs[0]!.Uses is not [{ Node: { OpType: "Transpose" } merge }] || !Perm(merge, 0, 2, 1, 3)
            || merge.Outputs[0]!.Uses is not [{ Node: { OpType: "Reshape" } merged, InputIndex: 0 }])
        {
            return Fail("the heads are not merged by Transpose(0,2,1,3) and Reshape");
        }

        if (Head(scores.Input(0), [0, 2, 1, 3]) is not { } q || Head(scores.Input(1), [0, 2, 3, 1]) is not { } k || Head(mix.Input(1), [0, 2, 1, 3]) is not { } v)
        {
            return Fail("Q, K and V are not Transpose(Reshape(x·W + b)) heads");
        }

        if (q.X != k.X || q.X != v.X)
        {
            return Fail("Q, K and V do not project the same tokens");
        }

        Node[] nodes = [.. q.Nodes, .. k.Nodes, .. v.Nodes, scores, .. scaled == scores ? Array.Empty<Node>() : [scaled], softmax, mix, merge, merged];
        return new Bound(q, k, v, scale, scaled.OpType == "Div", softmax, merged, nodes);
    }

    protected override string? Check(Bound m, RewriteContext context)
    {
        string? reason = Guards.ElementTypeIs(m.Q.X, ElementType.Float) ?? Guards.NotSharedOutside(m.Merged, m.Nodes);
        if (reason is not null)
        {
            return reason;
        }

        if (m.Q.X.Shape is not { Rank: 3 } x || x[2].Value is not long d || !Same(x[0]) || !Same(x[1]))
        {
            return "the tokens are not [B, S, D] with a known D";
        }

        long hidden = m.Q.Weight.Initializer!.Dims is [long rows, long cols] && rows == d ? cols : -1;
        foreach (Projection p in new[] { m.Q, m.K, m.V })
        {
            if (p.Weight.Initializer!.ElementType != ElementType.Float || p.Weight.Initializer.Dims is not [long r, long n] || r != d || n != hidden
                || p.Bias.Initializer!.ElementType != ElementType.Float || p.Bias.Initializer.ElementCount != hidden)
            {
                return "the three projections do not have [D, hidden] weights and [hidden] biases";
            }

            if (p.Split.Shape is not { Rank: 4 } s || s[0] != x[0] || s[1] != x[1] || s[2].Value is not long h || s[3].Value is not long hd || h * hd != hidden)
            {
                return "a head split is not [B, S, H, d] of the tokens";
            }
        }

        long heads = m.Q.Split.Shape![2].Value!.Value, headSize = m.Q.Split.Shape[3].Value!.Value;
        if (new[] { m.K, m.V }.Any(p => p.Split.Shape![2].Value != heads))
        {
            return "Q, K and V have different head counts";
        }

        if (m.Softmax.GetInt("axis", context.Opset < 13 ? 1 : -1) is not (-1 or 3))
        {
            return "the softmax is not over the last axis";
        }

        if (m.Merged.Outputs[0]!.Shape is not { Rank: 3 } y || y[0] != x[0] || y[1] != x[1] || y[2].Value != hidden)
        {
            return "the merged heads are not [B, S, hidden]";
        }

        double c = 1;
        if (m.Scale is not null)
        {
            if (ConstantValues.TryGet(m.Scale) is not { ElementCount: 1 } t || !WeightMath.IsFoldableFloat(t.ElementType))
            {
                return "the scale is not a float scalar";
            }

            c = m.ScaleDivides ? 1 / t.ToDoubles()[0] : t.ToDoubles()[0];
        }

        return Math.Abs((c * Math.Sqrt(headSize)) - 1) > 1e-5 ? $"the scale {c} is not 1/√{headSize}, which Attention applies" : null;

        static bool Same(Dim dim) => dim.IsKnown || dim.Param is not null;
    }

    protected override void Rewrite(Bound m, RewriteContext context)
    {
        long d = m.Q.Weight.Initializer!.Dims[0], hidden = m.Q.Weight.Initializer.Dims[1];
        float[][] w = [m.Q.Weight.Initializer.ToFloats(), m.K.Weight.Initializer!.ToFloats(), m.V.Weight.Initializer!.ToFloats()];
        var packed = new float[d * 3 * hidden];
        for (long r = 0; r < d; r++)
        {
            for (int p = 0; p < 3; p++)
            {
                Array.Copy(w[p], r * hidden, packed, (r * 3 * hidden) + (p * hidden), hidden);
            }
        }

        float[] bias = [.. m.Q.Bias.Initializer!.ToFloats(), .. m.K.Bias.Initializer!.ToFloats(), .. m.V.Bias.Initializer!.ToFloats()];
        Value weight = context.AddConstant("attention_qkv_weight", TensorData.FromFloats([d, 3 * hidden], packed));
        Value b = context.AddConstant("attention_qkv_bias", TensorData.FromFloats([3 * hidden], bias));
        if (context.Model.OpsetVersion(QOperatorLowering.MsDomain) is null)
        {
            context.Model.SetOpset(QOperatorLowering.MsDomain, 1);
        }

        Node attention = context.Graph.AddNode("Attention", [m.Q.X, weight, b], 1,
            [NodeAttribute.Of("num_heads", m.Q.Split.Shape![2].Value!.Value)], QOperatorLowering.MsDomain, before: m.Merged);
        Graph.SetType(attention.Outputs[0]!, m.Merged.Outputs[0]!.Type);
        context.Replace(m.Merged.Outputs[0]!, attention.Outputs[0]!);
        context.RemoveIfDead([.. m.Nodes.Reverse()]);
        foreach (Value? init in new[] { m.Q.Weight, m.Q.Bias, m.K.Weight, m.K.Bias, m.V.Weight, m.V.Bias, m.Scale })
        {
            context.RemoveIfUnused(init);
        }
    }

    /// <summary>Transpose(perm, Reshape(Add(MatMul(x, W), b))) with constant W and b; null when <paramref name="h"/> is not that.</summary>
    private static Projection? Head(Value? h, long[] perm)
    {
        if (h?.Producer is not { OpType: "Transpose" } t || !Perm(t, perm) || t.Input(0)?.Producer is not { OpType: "Reshape" } split
            || split.Input(0)?.Producer is not { OpType: "Add" } add || add.Inputs.Count != 2)
        {
            return null;
        }

        int mmIndex = add.Input(0)?.Producer is { OpType: "MatMul" } ? 0 : 1;
        if (add.Input(mmIndex)?.Producer is not { OpType: "MatMul" } mm || add.Input(1 - mmIndex) is not { IsConstant: true } bias
            || mm.Input(1) is not { IsConstant: true } weight || mm.Input(0) is not { } x)
        {
            return null;
        }

        return new Projection(x, weight, bias, split.Outputs[0]!, [mm, add, split, t]);
    }

    private static bool Perm(Node transpose, params long[] perm) => transpose.GetInts("perm") is { } p && p.SequenceEqual(perm);

    /// <param name="Split">The Reshape's output, [B, S, H, d].</param>
    /// <param name="Nodes">MatMul, Add, Reshape, Transpose.</param>
    public sealed record Projection(Value X, Value Weight, Value Bias, Value Split, Node[] Nodes);

    /// <param name="Scale">The scalar the scores are multiplied (or, with <paramref name="ScaleDivides"/>, divided) by; null when unscaled.</param>
    /// <param name="Merged">The Reshape that merges the heads: its output is the attention's.</param>
    public sealed record Bound(Projection Q, Projection K, Projection V, Value? Scale, bool ScaleDivides, Node Softmax, Node Merged, Node[] Nodes);
}
