// Which ops a static INT8 compile quantizes: all it has rules for, or only the MatMul/Gemm inputs of a transformer.
using Onnxc.GraphIR;

namespace Onnxc.Passes.Quantization;

/// <summary><c>--quant-scope</c>.</summary>
public enum QuantScope
{
    /// <summary><see cref="MatMul"/> for a graph with transformer structure (<see cref="QuantScopes.LooksLikeTransformer"/>), else <see cref="Full"/>.</summary>
    Auto,

    /// <summary>Every op with an INT8 rule, outputs included (the CNN plan: residual adds, pools, concats).</summary>
    Full,

    /// <summary>
    /// Only the inputs of MatMul and Gemm: their outputs, and every other op (residual adds, LayerNorm, Softmax,
    /// GELU, bias adds), stay float. ORT runs a DequantizeLinear → MatMul with a float output as one
    /// MatMulIntegerToFloat and keeps its float fusions (LayerNorm, GELU) around it. The residual stream of a
    /// transformer must stay float: LayerNorm rescales each token by its own spread, so the error of one tensor-wide
    /// 8-bit grid on its input grows by the ratio of the tensor's range to that token's (measured on a ViT: 37 dB
    /// before the first LayerNorm, 10 dB after).
    /// </summary>
    MatMul,
}

public static class QuantScopes
{
    public static QuantScope Parse(string text) => text.Trim().ToLowerInvariant() switch
    {
        "auto" => QuantScope.Auto,
        "full" => QuantScope.Full,
        "matmul" => QuantScope.MatMul,
        _ => throw new ArgumentException($"--quant-scope must be auto, full or matmul, not '{text}'"),
    };

    public static string Name(QuantScope scope) => scope.ToString().ToLowerInvariant();

    /// <summary>The scope <paramref name="scope"/> means for <paramref name="graph"/>: Auto resolved, the others as given.</summary>
    public static QuantScope Resolve(QuantScope scope, Graph graph) =>
        scope != QuantScope.Auto ? scope : LooksLikeTransformer(graph) ? QuantScope.MatMul : QuantScope.Full;

    /// <summary>
    /// A layer normalization, fused (LayerNormalization in any domain, com.microsoft SkipLayerNormalization) or as
    /// exporters before opset 17 write it (x − ReduceMean(x) over the last axis, read by a Sub of the same x).
    /// </summary>
    public static bool LooksLikeTransformer(Graph graph) => graph.Nodes.Any(n =>
        n.OpType is "LayerNormalization" or "SkipLayerNormalization" or "SimplifiedLayerNormalization"
        || (n.OpType == "ReduceMean" && n.IsDefaultDomain && n.Input(0) is { } x && n.Output(0) is { } mean
            && mean.Uses.Any(u => u.Node is { OpType: "Sub" } sub && sub.Input(0) == x && u.InputIndex == 1)));
}
