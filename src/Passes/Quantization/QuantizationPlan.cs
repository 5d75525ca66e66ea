// What the planner decided: which nodes run in INT8, which tensors get Q/DQ, and whose parameters each shares.
using Onnxc.GraphIR;

namespace Onnxc.Passes.Quantization;

/// <summary>
/// The plan is pure data over the prepared float graph. <see cref="ActivationTensors"/> get a
/// QuantizeLinear/DequantizeLinear pair; those in <see cref="SharedFrom"/> reuse another tensor's parameters (the
/// output of a Reshape is the same numbers as its input), the rest are <see cref="CalibratedTensors"/> and get
/// their own range from calibration.
/// </summary>
public sealed class QuantizationPlan
{
    internal QuantizationPlan(
        IReadOnlyList<NodeDecision> decisions,
        IReadOnlySet<Node> quantizedNodes,
        IReadOnlyList<string> activationTensors,
        IReadOnlyDictionary<string, string> sharedFrom,
        QuantScope scope)
    {
        Scope = scope;
        Decisions = decisions;
        QuantizedNodes = quantizedNodes;
        ActivationTensors = activationTensors;
        SharedFrom = sharedFrom;
        CalibratedTensors = [.. activationTensors.Where(t => !sharedFrom.ContainsKey(t))];
    }

    /// <summary>The scope the plan was made in: <see cref="QuantScope.Full"/> or <see cref="QuantScope.MatMul"/>, never Auto.</summary>
    public QuantScope Scope { get; }

    /// <summary>One decision per node of the graph, in graph order.</summary>
    public IReadOnlyList<NodeDecision> Decisions { get; }

    public IReadOnlySet<Node> QuantizedNodes { get; }

    /// <summary>Tensors that get Q/DQ, in graph order.</summary>
    public IReadOnlyList<string> ActivationTensors { get; }

    /// <summary>Tensor → the calibrated tensor whose parameters it uses.</summary>
    public IReadOnlyDictionary<string, string> SharedFrom { get; }

    /// <summary>Tensors that need a range from calibration.</summary>
    public IReadOnlyList<string> CalibratedTensors { get; }

    /// <summary>The calibrated tensor whose parameters <paramref name="tensor"/> uses (itself when not shared).</summary>
    public string ParameterSource(string tensor) => SharedFrom.GetValueOrDefault(tensor, tensor);
}
