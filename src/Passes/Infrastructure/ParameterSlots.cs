// Which inputs of which ops hold a layer's own parameters: weights, biases, normalization scales and statistics.
namespace Onnxc.Passes;

/// <summary>
/// The inputs through which a layer reads tensors that belong to it alone: what training updates (Conv and Gemm
/// weights and biases, normalization scales and shifts) and what it re-estimates (BatchNormalization's running mean
/// and variance). Two layers whose parameters happen to be bit-identical (zero biases, unit scales of a fresh
/// network) still own two tensors: sharing one would tie them, so a training step on one layer would change the
/// other. Passes that share constants ask here.
/// </summary>
public static class ParameterSlots
{
    private static readonly Dictionary<string, int[]> s_trainable = new(StringComparer.Ordinal)
    {
        ["Conv"] = [1, 2],
        ["ConvTranspose"] = [1, 2],
        ["Gemm"] = [0, 1, 2],
        ["MatMul"] = [0, 1],
        ["BatchNormalization"] = [1, 2],
        ["LayerNormalization"] = [1, 2],
    };

    /// <summary>Whether <paramref name="use"/> fills a slot training updates (a weight, bias, scale or shift).</summary>
    public static bool IsTrainable(Use use) =>
        use.Node.IsDefaultDomain && s_trainable.TryGetValue(use.Node.OpType, out int[]? slots) && slots.Contains(use.InputIndex);

    /// <summary>Whether <paramref name="use"/> fills a parameter slot: a trainable one or BatchNormalization's running statistics.</summary>
    public static bool IsParameter(Use use) =>
        IsTrainable(use) || (use.Node is { OpType: "BatchNormalization", IsDefaultDomain: true } && use.InputIndex is 3 or 4);
}
