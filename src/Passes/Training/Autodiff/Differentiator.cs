// Reverse-mode automatic differentiation over the IR: appends the gradient of a scalar loss to the graph.
using Onnxc.GraphIR.Analysis;

namespace Onnxc.Passes.Training.Autodiff;

/// <summary>
/// Appends to a graph the nodes that compute d(loss)/d(w) for each requested value w. It walks the nodes that lie
/// both downstream of some w and upstream of the loss in reverse topological order, asks each one's rule for its
/// input gradients, and sums the contributions of a value read by several nodes. Only float tensors carry
/// gradients: shape computations and integer paths are never on the gradient path. A node on the path with no
/// rule is a <see cref="TrainingException"/> naming it.
/// <para>One exception to "integer paths carry nothing": a QuantizeLinear → DequantizeLinear pair is fake
/// quantization, float in and float out, so the pair counts as one node whose inputs are the QuantizeLinear's
/// (x, scale, zero point) — see <see cref="EffectiveInputs"/> — and the DequantizeLinear's rule
/// (<see cref="Rules.FakeQuantizeRule"/>) gives their gradients.</para>
/// </summary>
public static class Differentiator
{
    /// <summary>
    /// Emits gradients of <paramref name="loss"/> (a float tensor with one element) with respect to each of
    /// <paramref name="wrt"/>. The result maps each of them to its gradient value; a value the loss does not
    /// depend on maps to null.
    /// </summary>
    public static IReadOnlyDictionary<Value, Value?> Differentiate(
        Graph graph, Value loss, IReadOnlyCollection<Value> wrt, GradientRuleSet? rules = null)
    {
        rules ??= GradientRuleSet.Default;

        // Rules read static ranks and broadcast facts; nodes added since the last inference (a loss) need them too.
        ShapeInference.Run(graph.Model);
        List<Node> order = graph.TopologicalOrder(out Node? cycle)
            ?? throw new TrainingException("the graph has a cycle", cycle);

        // Forward: values that depend on a trainable tensor through float edges.
        var active = new HashSet<Value>(wrt);
        foreach (Node n in order)
        {
            if (EffectiveInputs(n).Any(i => i is not null && active.Contains(i)))
            {
                foreach (Value? o in n.Outputs)
                {
                    if (o is not null && IsDifferentiable(o))
                    {
                        active.Add(o);
                    }
                }
            }
        }

        // Backward: of those, the ones the loss depends on.
        var needed = new HashSet<Value> { loss };
        var onPath = new List<Node>();
        for (int k = order.Count - 1; k >= 0; k--)
        {
            Node n = order[k];
            if (!n.Outputs.Any(o => o is not null && needed.Contains(o) && active.Contains(o)))
            {
                continue;
            }

            onPath.Add(n);
            foreach (Value? i in EffectiveInputs(n))
            {
                if (i is not null && active.Contains(i))
                {
                    needed.Add(i);
                }
            }
        }

        active.IntersectWith(needed);
        var context = new GradientContext(graph, active);
        var grads = new Dictionary<Value, List<Value>>();
        if (active.Contains(loss))
        {
            grads[loss] = [context.Op("ConstantOfShape", [context.ShapeOf(loss)],
                NodeAttribute.Of("value", TensorData.FromFloats([1], [1f])))];
        }

        foreach (Node n in onPath)
        {
            IGradientRule rule = rules.Find(n)
                ?? throw new TrainingException($"no gradient rule for {n.OpType} on the path to a trainable tensor", n);
            var outputGrads = n.Outputs.Select(o => o is not null ? Sum(context, grads, o) : null).ToArray();
            IReadOnlyList<Value?> inputGrads;
            try
            {
                inputGrads = rule.Backward(context, n, outputGrads);
            }
            catch (NotSupportedException e)
            {
                throw new TrainingException($"cannot differentiate {n.Describe()}: {e.Message}", n);
            }

            IReadOnlyList<Value?> inputs = EffectiveInputs(n);
            for (int i = 0; i < inputs.Count && i < inputGrads.Count; i++)
            {
                if (inputs[i] is { } input && inputGrads[i] is { } g && active.Contains(input))
                {
                    (grads.TryGetValue(input, out List<Value>? list) ? list : grads[input] = []).Add(g);
                }
            }
        }

        var result = new Dictionary<Value, Value?>();
        foreach (Value w in wrt)
        {
            result[w] = grads.ContainsKey(w) ? context.Named(Sum(context, grads, w)!, w) : null;
        }

        return result;
    }

    /// <summary>
    /// The values a node's rule gives gradients for: its inputs, except for a DequantizeLinear fed by a
    /// QuantizeLinear that nothing else reads, where they are the QuantizeLinear's inputs (x, scale, zero point).
    /// </summary>
    public static IReadOnlyList<Value?> EffectiveInputs(Node node) =>
        FakeQuantizePair(node) is { } q ? q.Inputs : node.Inputs;

    /// <summary>
    /// The QuantizeLinear of a fake-quantization pair ending in <paramref name="node"/>, or null. A QuantizeLinear
    /// whose integers feed several DequantizeLinear nodes (a residual block's input read by both branches) makes a
    /// pair with each; their gradients with respect to its float input add up. Integers read by anything else
    /// (or by the graph output) are not fake quantization.
    /// </summary>
    public static Node? FakeQuantizePair(Node node) =>
        node is { OpType: "DequantizeLinear" } && node.IsDefaultDomain
            && node.Inputs[0] is { Producer: { OpType: "QuantizeLinear" } q } quantized
            && q.IsDefaultDomain && !quantized.IsGraphOutput
            && quantized.Uses.All(u => u.Node is { OpType: "DequantizeLinear", IsDefaultDomain: true })
            ? q
            : null;

    /// <summary>Whether a value can carry a gradient: a float tensor (or of unknown type, decided by its producer's rule).</summary>
    public static bool IsDifferentiable(Value value) =>
        value.ElementType is ElementType.Float or ElementType.Double or ElementType.Float16 or ElementType.BFloat16
            or ElementType.Undefined;

    private static Value? Sum(GradientContext context, Dictionary<Value, List<Value>> grads, Value v)
    {
        if (!grads.TryGetValue(v, out List<Value>? list) || list.Count == 0)
        {
            return null;
        }

        if (list.Count > 1)
        {
            Value total = list.Count == 2 ? context.Op("Add", [list[0], list[1]]) : context.Op("Sum", [.. list]);
            list.Clear();
            list.Add(total);
        }

        return list[0];
    }
}
