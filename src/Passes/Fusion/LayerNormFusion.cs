// fuse-layernorm: the mean/variance/normalize subgraph becomes one LayerNormalization (opset 17).
using Onnxc.Passes.Rewriting;

namespace Onnxc.Passes.Fusion;

/// <summary>
/// With d = x - ReduceMean(x, A), LayerNorm(x) = d / Sqrt(ReduceMean(d^2, A) + eps) * gamma + beta over the trailing
/// axes A = [k, ..., rank-1], which is LayerNormalization(x, gamma, beta, axis = k, epsilon = eps). The square is
/// Pow(d, 2) or Mul(d, d). A following Mul by a constant gamma and Add of a constant beta are absorbed; without them
/// gamma = 1 and beta = 0. Guards: opset 17; both reductions keep dims over the same trailing axes of a known rank;
/// eps is a constant scalar; every interior value is read only inside the match.
/// </summary>
public sealed class LayerNormFusion : RewriteRule<LayerNormFusion.Bound>
{
    public override string Name => "fuse-layernorm";

    public override string RootOpType => "Div";

    protected override MatchOutcome<Bound> Match(Node div, RewriteContext context)
    {
        if (div.Input(0)?.Producer is not { OpType: "Sub" } sub || div.Input(1)?.Producer is not { OpType: "Sqrt" } sqrt)
        {
            return Fail("not (x - mean) / Sqrt(...)");
        }

        if (sub.Input(1)?.Producer is not { OpType: "ReduceMean" } mean || sub.Input(0) is not Value x || mean.Input(0) != x)
        {
            return Fail("the numerator is not x - ReduceMean(x)");
        }

        if (sqrt.Input(0)?.Producer is not { OpType: "Add" } addEps || addEps.Inputs.FirstOrDefault(i => i?.Producer is { OpType: "ReduceMean" }) is not Value varOut)
        {
            return Fail("the denominator is not Sqrt(ReduceMean(...) + eps)");
        }

        Node variance = varOut.Producer!;
        Value? eps = addEps.Inputs.FirstOrDefault(i => i != varOut);
        Value d = sub.Outputs[0]!;
        if (variance.Input(0)?.Producer is not { } square
            || !((square.OpType == "Pow" && square.Input(0) == d && IsScalar(square.Input(1), 2)) || (square.OpType == "Mul" && square.Input(0) == d && square.Input(1) == d)))
        {
            return Fail("the variance is not ReduceMean((x - mean)^2)");
        }

        var nodes = new List<Node> { mean, sub, square, variance, addEps, sqrt, div };
        Node tail = div;
        Value? gamma = null;
        Value? beta = null;
        if (div.Outputs[0]!.Uses is [{ Node: { OpType: "Mul" } mul }] && OtherInput(mul, div.Outputs[0]!) is { } g && ConstantValues.IsFixed(g))
        {
            nodes.Add(mul);
            tail = mul;
            gamma = g;
            if (mul.Outputs[0]!.Uses is [{ Node: { OpType: "Add" } add }] && OtherInput(add, mul.Outputs[0]!) is { } b && ConstantValues.IsFixed(b))
            {
                nodes.Add(add);
                tail = add;
                beta = b;
            }
        }

        return new Bound(x, eps, gamma, beta, tail, [.. nodes]);
    }

    protected override string? Check(Bound m, RewriteContext context)
    {
        string? reason = Guards.OpsetAtLeast(context.Model, 17)
            ?? Guards.ConstantInitializer(m.Epsilon)
            ?? Guards.NotSharedOutside(m.Tail, [.. m.Nodes])
            ?? Guards.ElementTypeIs(m.X, ElementType.Float);
        if (reason is not null)
        {
            return reason;
        }

        if (m.Epsilon!.Initializer!.ElementCount != 1)
        {
            return "eps is not a scalar";
        }

        if (m.X.Shape is not TensorShape shape)
        {
            return $"the rank of {m.X} is unknown";
        }

        int? axis = TrailingAxis(m.Nodes[0], shape.Rank);
        if (axis is null || TrailingAxis(m.Nodes[3], shape.Rank) != axis)
        {
            return "the reductions are not over the same trailing axes with keepdims";
        }

        long normalized = 1;
        for (int i = axis.Value; i < shape.Rank; i++)
        {
            normalized *= shape[i].Value ?? -1;
        }

        foreach (Value? p in new[] { m.Gamma, m.Beta })
        {
            if (p is not null && (p.Initializer!.ElementType != ElementType.Float || normalized < 0
                || p.Initializer.ElementCount != normalized || p.Initializer.Dims.Length > shape.Rank - axis.Value))
            {
                return $"{p} does not have the normalized shape";
            }
        }

        return null;
    }

    protected override void Rewrite(Bound m, RewriteContext context)
    {
        int rank = m.X.Shape!.Rank;
        int axis = TrailingAxis(m.Nodes[0], rank)!.Value;
        long[] normDims = [.. m.X.Shape.Dims.Skip(axis).Select(d => d.Value!.Value)];
        long count = normDims.Aggregate(1L, (a, b) => a * b);
        Value gamma = m.Gamma is null
            ? context.AddConstant("layernorm_scale", TensorData.FromFloats(normDims, [.. Enumerable.Repeat(1f, (int)count)]))
            : context.AddConstant(m.Gamma.Name + "_ln", TensorData.FromBytes(ElementType.Float, normDims, m.Gamma.Initializer!.GetBytes()));
        Value beta = m.Beta is null
            ? context.AddConstant("layernorm_bias", TensorData.FromFloats(normDims, new float[count]))
            : context.AddConstant(m.Beta.Name + "_ln", TensorData.FromBytes(ElementType.Float, normDims, m.Beta.Initializer!.GetBytes()));
        float eps = (float)m.Epsilon!.Initializer!.ToDoubles()[0];
        Node ln = context.Graph.AddNode("LayerNormalization", [m.X, gamma, beta], 1,
            [NodeAttribute.Of("axis", (long)axis), NodeAttribute.Of("epsilon", eps)], before: m.Tail);
        Graph.SetType(ln.Outputs[0]!, m.Tail.Outputs[0]!.Type);
        context.Replace(m.Tail.Outputs[0]!, ln.Outputs[0]!);
        context.RemoveIfDead([.. m.Nodes.Reverse()]);
        context.RemoveIfUnused(m.Gamma);
        context.RemoveIfUnused(m.Beta);
        context.RemoveIfUnused(m.Epsilon);
    }

    /// <summary>The first reduced axis when a keepdims ReduceMean reduces exactly axes [k, rank), else null.</summary>
    private static int? TrailingAxis(Node reduce, int rank)
    {
        if (reduce.GetInt("keepdims", 1) == 0)
        {
            return null;
        }

        long[]? axes = reduce.GetInts("axes") is { } a ? [.. a] : ConstantValues.TryGetInts(reduce.Input(1));
        if (axes is null || axes.Length == 0)
        {
            return null;
        }

        int[] normalized = [.. axes.Select(v => (int)(v < 0 ? v + rank : v)).Order()];
        int first = normalized[0];
        return normalized.SequenceEqual(Enumerable.Range(first, rank - first)) ? first : null;
    }

    private static Value? OtherInput(Node n, Value v) => n.Inputs.Count == 2 ? (n.Inputs[0] == v ? n.Inputs[1] : n.Inputs[1] == v ? n.Inputs[0] : null) : null;

    private static bool IsScalar(Value? v, double expected) =>
        ConstantValues.TryGet(v) is { ElementCount: 1 } t && WeightMath.IsFoldableFloat(t.ElementType) && t.ToDoubles()[0] == expected;

    /// <summary>Nodes[0] is the mean ReduceMean and Nodes[3] the variance ReduceMean; Tail is the last node replaced.</summary>
    public sealed record Bound(Value X, Value? Epsilon, Value? Gamma, Value? Beta, Node Tail, Node[] Nodes);
}
