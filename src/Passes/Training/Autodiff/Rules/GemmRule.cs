// Backward of Gemm for every transA, transB, alpha, beta and a broadcast C.
namespace Onnxc.Passes.Training.Autodiff.Rules;

/// <summary>
/// y = α·A'·B' + β·C with A' = Aᵀ if transA else A, B' likewise. With G = dL/dy:
/// dA' = α·G·B'ᵀ and dB' = α·A'ᵀ·G, so
/// dA = α·G·B'ᵀ (transA = 0) or α·B'·Gᵀ (transA = 1), and
/// dB = α·A'ᵀ·G (transB = 0) or α·Gᵀ·A' (transB = 1), each a single Gemm whose trans flags absorb B' and A';
/// dC = β·reduce(G → C).
/// </summary>
public sealed class GemmRule : IGradientRule
{
    public IReadOnlyList<string> OpTypes { get; } = ["Gemm"];

    public IReadOnlyList<Value?> Backward(GradientContext context, Node node, IReadOnlyList<Value?> outputGrads)
    {
        var result = new Value?[node.Inputs.Count];
        if (outputGrads[0] is not { } g)
        {
            return result;
        }

        Value a = node.Inputs[0]!, b = node.Inputs[1]!;
        bool transA = node.GetInt("transA", 0) != 0, transB = node.GetInt("transB", 0) != 0;
        float alpha = node.GetFloat("alpha", 1f), beta = node.GetFloat("beta", 1f);
        if (context.NeedsGradient(a))
        {
            result[0] = transA
                ? Gemm(context, b, g, alpha, transposeFirst: transB, transposeSecond: true)
                : Gemm(context, g, b, alpha, transposeFirst: false, transposeSecond: !transB);
        }

        if (context.NeedsGradient(b))
        {
            result[1] = transB
                ? Gemm(context, g, a, alpha, transposeFirst: true, transposeSecond: transA)
                : Gemm(context, a, g, alpha, transposeFirst: !transA, transposeSecond: false);
        }

        if (node.Input(2) is { } c && context.NeedsGradient(c))
        {
            Value reduced = BroadcastReduction.ReduceToOperand(context, g, c, node.Outputs[0]!);
            result[2] = beta == 1f ? reduced : context.Op("Mul", [reduced, context.Scalar(beta, c)]);
        }

        return result;
    }

    private static Value Gemm(GradientContext context, Value first, Value second, float alpha, bool transposeFirst, bool transposeSecond) =>
        context.Op("Gemm", [first, second],
            NodeAttribute.Of("alpha", alpha),
            NodeAttribute.Of("transA", transposeFirst ? 1L : 0L),
            NodeAttribute.Of("transB", transposeSecond ? 1L : 0L));
}
