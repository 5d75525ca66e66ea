// Gemm and MatMul islands with constant symmetric weights: the 1 x 1 convolution kernel.
using Onnxc.Kernels.Conv;
using Onnxc.Kernels.Registry;
using Onnxc.Kernels.Runtime;
using Onnxc.Kernels.Runtime.Steps;

namespace Onnxc.Passes.Lowering.Rules;

/// <summary>Gemm/MatMul with constant symmetric weights: the 1 x 1 convolution kernel on [M, K] x [K, N].</summary>
internal sealed class GemmRule : Int8Rule
{
    public override IReadOnlyList<string> OpTypes { get; } = ["Gemm", "MatMul"];

    public override KernelOp? KernelFor(string opType) => KernelOp.Gemm;

    public override string? TryLower(LoweringContext context, Node node)
    {
        if (context.Lookup(node.Input(0)!) is not DequantizedValue x)
        {
            return "its input is not a dequantized 8-bit tensor";
        }

        bool gemm = node.OpType == "Gemm";
        if (gemm && (node.GetInt("transA", 0) != 0 || x.Bytes.Shape.Length != 2))
        {
            return "transposed or non-2-D A";
        }

        if (x.Bytes.Shape.Length < 2)
        {
            return "its input has rank < 2";
        }

        if (context.WeightsOf(node.Input(1)!, out string why) is not { } w)
        {
            return why;
        }

        if (w.Data.Dims.Length != 2)
        {
            return "its weights are not a matrix";
        }

        bool transB = gemm && node.GetInt("transB", 0) != 0;
        int n = (int)w.Data.Dims[transB ? 0 : 1];
        int k = (int)w.Data.Dims[transB ? 1 : 0];
        int nAxis = transB ? 0 : 1;
        if (w.Scales.Length != 1 && (w.Axis != nAxis || w.Scales.Length != n))
        {
            return "its weights are quantized per axis along K (the kernels need per output channel)";
        }

        if (x.Bytes.Shape[^1] != k)
        {
            return $"inner dimensions differ ({x.Bytes.Shape[^1]} vs {k})";
        }

        float alpha = gemm ? node.GetFloat("alpha", 1f) : 1f;
        if (gemm && node.Input(2) is not null && node.GetFloat("beta", 1f) != 1f)
        {
            return "beta != 1 with a bias";
        }

        if (context.FindIslandEnd(node, allowActivation: true, out string reason) is not { } end)
        {
            return reason;
        }

        if (MissingKernel(context, node, x.Bytes.Quant!.Type, end.Output.Type) is { } missing)
        {
            return missing;
        }

        float[] scales = w.Scales.Select(s => s * alpha).ToArray();
        if (context.BiasOf(gemm ? node.Input(2) : null, x.Bytes.Quant!.Scale, scales, n, out why) is not { } bias)
        {
            return why;
        }

        // The kernel wants weights [N][K] (ONNX Conv layout); Gemm's B is [K][N] unless transB.
        var src = w.Data.AsSpan<sbyte>();
        var packedWeights = new sbyte[n * k];
        for (int o = 0; o < n; o++)
        {
            for (int i = 0; i < k; i++)
            {
                packedWeights[(o * k) + i] = transB ? src[(o * k) + i] : src[(i * n) + o];
            }
        }

        var input = context.Plan.InLayout(x.Bytes, PlanLayout.Logical, node.Describe());
        int m = checked((int)(input.ElementCount / k));
        int[] outShape = [.. input.Shape[..^1], n];
        var output = context.NewIslandOutput(end, outShape, PlanLayout.Logical);
        var packed = ConvPacker.Pack(Conv2DGeometry.ForGemm(m, k, n), packedWeights, scales, bias, x.Bytes.Quant, end.Output, end.Activation);
        context.Plan.Add(new ConvStep(node.Describe(), input.Id, output.Id, packed));
        context.FinishIsland(end, output);
        return null;
    }
}
