// Gemm and MatMul with constant weights in float.
using Onnxc.Kernels.Runtime;
using Onnxc.Kernels.Runtime.Float;
using Onnxc.Kernels.Runtime.Steps;

namespace Onnxc.Passes.Lowering.Rules;

/// <summary>Gemm/MatMul with constant weights (alpha folded into B, beta into C).</summary>
internal sealed class FloatGemmRule : FloatRule
{
    public override IReadOnlyList<string> OpTypes { get; } = ["Gemm", "MatMul"];

    public override PlanTensor Lower(LoweringContext context, Node node)
    {
        string source = node.Describe();
        bool gemm = node.OpType == "Gemm";
        var x = context.Plan.InLayout(context.AsFloat(node.Input(0)!), PlanLayout.Logical, source);
        if (gemm && node.GetInt("transA", 0) != 0)
        {
            throw new NotSupportedException($"cannot lower {source}: transA is not supported");
        }

        var wValue = node.Input(1)!;
        int[] ws = context.ShapeOf(wValue);
        if (ws.Length != 2)
        {
            throw new NotSupportedException($"cannot lower {source}: only 2-D constant weights are supported");
        }

        float[] w = context.ConstantFloats(wValue, "weight", node);
        bool transB = gemm && node.GetInt("transB", 0) != 0;
        int k = transB ? ws[1] : ws[0];
        int n = transB ? ws[0] : ws[1];
        float alpha = gemm ? node.GetFloat("alpha", 1f) : 1f;
        float beta = gemm ? node.GetFloat("beta", 1f) : 1f;
        var kn = new float[k * n];
        for (int i = 0; i < k; i++)
        {
            for (int j = 0; j < n; j++)
            {
                kn[(i * n) + j] = alpha * (transB ? w[(j * k) + i] : w[(i * n) + j]);
            }
        }

        float[] bias = [];
        if (gemm && node.Input(2) is { } c)
        {
            float[] cv = context.ConstantFloats(c, "bias", node);
            if (cv.Length != 1 && cv.Length != n)
            {
                throw new NotSupportedException($"cannot lower {source}: bias of {cv.Length} values for {n} outputs");
            }

            bias = Enumerable.Range(0, n).Select(j => beta * cv[cv.Length == 1 ? 0 : j]).ToArray();
        }

        if (x.Shape[^1] != k)
        {
            throw new NotSupportedException($"cannot lower {source}: inner dimensions differ ({x.Shape[^1]} vs {k})");
        }

        int m = checked((int)(x.ElementCount / k));
        var output = context.Plan.NewFloat(node.Outputs[0]!.Name, [.. x.Shape[..^1], n]);
        var args = new GemmArgs { M = m, K = k, N = n, HasBias = bias.Length > 0 ? 1 : 0 };
        context.Plan.Add(new FloatGemmStep(source, x.Id, output.Id, args, kn, bias));
        return output;
    }
}
