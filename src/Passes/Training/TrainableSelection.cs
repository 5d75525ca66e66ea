// Which initializers a training run updates: weights and biases of Conv/Gemm/MatMul and normalization scales.
namespace Onnxc.Passes.Training;

/// <summary>
/// The default trainable set of a model is every float initializer that feeds the weight or bias of a Conv,
/// ConvTranspose, Gemm or MatMul (a MatMul's bias is the constant an Add adds to its output, as exporters write a
/// Linear on a rank-3 input), or the scale or bias of a BatchNormalization or LayerNormalization. Everything
/// else (shape constants, BatchNorm running statistics, activation quantization parameters) stays fixed. In a
/// fake-quantized model (quantization-aware training) a weight reaches its Conv through QuantizeLinear →
/// DequantizeLinear: the float weight and its scale, the QuantizeLinear's inputs 0 and 1, are trainable then (the
/// scale as in LSQ). Freezing takes initializer names or op types: <c>Conv</c> freezes every Conv's weight and
/// bias. The slots are <see cref="ParameterSlots"/>'s.
/// </summary>
public static class TrainableSelection
{
    /// <summary>
    /// The node whose weight or bias slot <paramref name="use"/> fills: the reader itself, or, for input 0 or 1 of
    /// a QuantizeLinear whose only reader is a DequantizeLinear, the node that DequantizeLinear feeds. Null when the
    /// use is not a trainable slot.
    /// </summary>
    private static Node? Consumer(Use use)
    {
        if (ParameterSlots.IsTrainable(use))
        {
            return use.Node;
        }

        // A Linear on a rank-3 input exports as MatMul, then an Add of its bias: that bias belongs to the MatMul.
        if (use.Node is { OpType: "Add" } add && add.IsDefaultDomain && add.Inputs.Count == 2 && use.InputIndex is 0 or 1
            && add.Input(1 - use.InputIndex)?.Producer is { OpType: "MatMul" } mm && mm.IsDefaultDomain && mm.Input(1) is { IsInitializer: true })
        {
            return mm;
        }

        // Only a weight's pair: the QuantizeLinear quantizes an initializer (activation pairs keep their scales).
        if (use.Node is { OpType: "QuantizeLinear" } q && q.IsDefaultDomain && use.InputIndex is 0 or 1 && q.Inputs[0] is { IsInitializer: true }
            && q.Outputs[0] is { Uses: [{ Node: { OpType: "DequantizeLinear" } dq, InputIndex: 0 }] }
            && dq.Outputs[0] is { } dequantized && dequantized.Uses.Count > 0 && dequantized.Uses.All(ParameterSlots.IsTrainable))
        {
            return dequantized.Uses[0].Node;
        }

        return null;
    }

    /// <summary>
    /// The trainable initializers of <paramref name="graph"/> in initializer order, less those named by
    /// <paramref name="freeze"/> (initializer names or op types). A freeze entry that matches nothing is an error,
    /// since a typo would otherwise train what the user meant to keep.
    /// </summary>
    public static IReadOnlyList<Value> Select(Graph graph, IReadOnlyCollection<string>? freeze = null)
    {
        freeze ??= [];
        var used = new HashSet<string>(StringComparer.Ordinal);
        var result = new List<Value>();
        foreach (Value init in graph.Initializers)
        {
            if (init.Initializer is not { } data || data.ElementType != ElementType.Float)
            {
                continue;
            }

            var feeding = init.Uses.Select(Consumer).OfType<Node>().ToList();
            if (feeding.Count == 0)
            {
                continue;
            }

            string? frozenBy = freeze.FirstOrDefault(f => f == init.Name || feeding.Any(n => n.OpType == f));
            if (frozenBy is not null)
            {
                used.Add(frozenBy);
                continue;
            }

            result.Add(init);
        }

        foreach (string f in freeze)
        {
            if (!used.Contains(f) && graph.FindValue(f) is null && !graph.Nodes.Any(n => n.OpType == f))
            {
                throw new TrainingException($"--freeze {f}: the model has no initializer or op type of that name");
            }
        }

        if (result.Count == 0)
        {
            throw new TrainingException(freeze.Count > 0
                ? "nothing is left to train: every trainable tensor is frozen"
                : "the model has no trainable tensor (no float weight or bias of a Conv, ConvTranspose, Gemm, MatMul, BatchNormalization or LayerNormalization)");
        }

        return result;
    }
}
