// Fake quantization's gradients (straight-through for x, LSQ for the scale) against the formulas computed on the host.
using Onnxc.GraphIR;
using Onnxc.GraphIR.Analysis;
using Onnxc.GraphIR.Onnx;
using Onnxc.Passes.Training.Autodiff;
using Onnxc.TestSupport;

namespace Onnxc.Passes.Tests.Training.Autodiff;

/// <summary>
/// Fake quantization is piecewise constant in x, so finite differences say nothing about it; the check is exact
/// instead: L = Σ R·y, and the gradients ORT computes from the emitted graph must equal dx = R·inside and
/// ds = γ·Σ R·((clamp(round(x/s)+z) − z) − (x/s)·inside) with γ = 1/√(n·q_max), computed here in float64.
/// </summary>
public sealed class FakeQuantizeGradientTests
{
    [Theory]
    [InlineData(ElementType.Int8, false)]
    [InlineData(ElementType.UInt8, false)]
    [InlineData(ElementType.Int8, true)]
    [InlineData(ElementType.Int4, true)]
    public void StraightThroughAndLsqGradients(ElementType type, bool perChannel)
    {
        const int c = 3, inner = 8;
        Model m = GradientModels.New(21);
        Value x = GradientModels.Input(m, "x", 2, c, inner);
        Value s = perChannel ? GradientModels.Input(m, "s", c) : GradientModels.Input(m, "s");
        double[] scales = perChannel ? [0.02, 0.05, 0.011] : [0.03];
        long[] zps = type == ElementType.UInt8 ? (perChannel ? [128, 120, 130] : [125]) : (perChannel ? [0, 1, -1] : [0]);
        long[] zDims = perChannel ? [c] : [];
        Value z = m.Graph.AddInitializer("z", ZeroPoints(type, zDims, zps));
        NodeAttribute[] axis = perChannel ? [NodeAttribute.Of("axis", 1L)] : [];
        Value quantized = m.Graph.AddNode("QuantizeLinear", [x, s, z], ["xq"], axis, name: "q").Outputs[0]!;
        Value y = m.Graph.AddNode("DequantizeLinear", [quantized, s, z], ["y"], axis, name: "dq").Outputs[0]!;

        var rng = new Random(4);
        float[] xs = [.. Enumerable.Range(0, 2 * c * inner).Select(_ => (float)((rng.NextDouble() * 8) - 4))];
        float[] r = [.. Enumerable.Range(0, 2 * c * inner).Select(_ => (float)((rng.NextDouble() * 2) - 1))];
        Value rv = m.Graph.AddConstant("r", TensorData.FromFloats([2, c, inner], r));
        Value loss = m.Graph.AddNode("ReduceSum", [m.Graph.AddNode("Mul", [y, rv]).Outputs[0]!], 1, [NodeAttribute.Of("keepdims", 0L)]).Outputs[0]!;
        IReadOnlyDictionary<Value, Value?> grads = Differentiator.Differentiate(m.Graph, loss, [x, s]);
        m.Graph.AddOutput(grads[x]!);
        m.Graph.AddOutput(grads[s]!);
        ShapeInference.Run(m);

        using var dir = new TempDir("onnxc-fakequant");
        OnnxExporter.Save(m, dir.File("g.onnx"));
        using var runner = new OrtRunner(dir.File("g.onnx"));
        var feeds = new Dictionary<string, OrtTensor>
        {
            ["x"] = OrtTensor.FromFloats([2, c, inner], xs),
            ["s"] = OrtTensor.FromFloats(perChannel ? [c] : [], [.. scales.Select(v => (float)v)]),
        };
        IReadOnlyList<OrtTensor> outputs = runner.Run(feeds);
        float[] dx = outputs[outputs.Count - 2].ToFloats();
        float[] ds = outputs[^1].ToFloats();

        (double qmin, double qmax) = Passes.Training.Autodiff.Rules.FakeQuantizeRule.Range(type);
        var expectedDs = new double[scales.Length];
        int outside = 0;
        for (int i = 0; i < xs.Length; i++)
        {
            int ch = perChannel ? i / inner % c : 0;
            double sc = (float)scales[ch];
            double v = (float)(xs[i] / (float)sc);
            double level = Math.Round(v, MidpointRounding.ToEven) + zps[ch];
            bool inside = level >= qmin && level <= qmax;
            outside += inside ? 0 : 1;
            Assert.Equal(inside ? r[i] : 0f, dx[i]);
            expectedDs[ch] += r[i] * ((Math.Clamp(level, qmin, qmax) - zps[ch]) - (inside ? v : 0));
        }

        Assert.True(outside > 0 && outside < xs.Length, $"the data should clip some values, not {outside} of {xs.Length}");
        double n = xs.Length / (double)scales.Length;
        for (int k = 0; k < scales.Length; k++)
        {
            double expected = expectedDs[k] / Math.Sqrt(n * qmax);
            Assert.True(Math.Abs(ds[k] - expected) <= 1e-4 * (1 + Math.Abs(expected)), $"ds[{k}] = {ds[k]}, expected {expected}");
        }
    }

    /// <summary>
    /// A residual block's input, quantized once and dequantized by each branch: each DequantizeLinear makes a
    /// pair with the one QuantizeLinear, and dx is the sum over both branches (it used to stop at the integers).
    /// </summary>
    [Fact]
    public void AQuantizeReadByTwoDequantizesPassesBothGradients()
    {
        Model m = GradientModels.New(21);
        Value x = GradientModels.Input(m, "x", 4, 6);
        Value s = m.Graph.AddInitializer("s", TensorData.Scalar(0.05f));
        Value z = m.Graph.AddInitializer("z", TensorData.FromBytes(ElementType.Int8, [], new byte[] { 0 }));
        Value q = m.Graph.AddNode("QuantizeLinear", [x, s, z], ["xq"], name: "q").Outputs[0]!;
        Value y1 = m.Graph.AddNode("DequantizeLinear", [q, s, z], ["y1"], name: "dq1").Outputs[0]!;
        Value y2 = m.Graph.AddNode("DequantizeLinear", [q, s, z], ["y2"], name: "dq2").Outputs[0]!;
        var rng = new Random(6);
        float[] xs = [.. Enumerable.Range(0, 24).Select(_ => (float)((rng.NextDouble() * 16) - 8))];
        float[] r1 = [.. Enumerable.Range(0, 24).Select(_ => rng.NextSingle() - 0.5f)];
        float[] r2 = [.. Enumerable.Range(0, 24).Select(_ => rng.NextSingle() - 0.5f)];
        Value Weighted(Value y, float[] r) => m.Graph.AddNode("ReduceSum",
            [m.Graph.AddNode("Mul", [y, m.Graph.AddConstant("r", TensorData.FromFloats([4, 6], r))]).Outputs[0]!], 1,
            [NodeAttribute.Of("keepdims", 0L)]).Outputs[0]!;
        Value loss = m.Graph.AddNode("Add", [Weighted(y1, r1), Weighted(y2, r2)]).Outputs[0]!;
        IReadOnlyDictionary<Value, Value?> grads = Differentiator.Differentiate(m.Graph, loss, [x]);
        m.Graph.AddOutput(grads[x] ?? throw new Xunit.Sdk.XunitException("no gradient reached x through the shared QuantizeLinear"));
        ShapeInference.Run(m);

        using var dir = new TempDir("onnxc-fakequant");
        OnnxExporter.Save(m, dir.File("g.onnx"));
        using var runner = new OrtRunner(dir.File("g.onnx"));
        float[] dx = runner.Run(new Dictionary<string, OrtTensor> { ["x"] = OrtTensor.FromFloats([4, 6], xs) })[^1].ToFloats();
        int clipped = 0;
        for (int i = 0; i < xs.Length; i++)
        {
            double level = Math.Round(xs[i] / 0.05f, MidpointRounding.ToEven);
            bool inside = level is >= -128 and <= 127;
            clipped += inside ? 0 : 1;
            Assert.Equal(inside ? r1[i] + r2[i] : 0f, dx[i], 1e-6f);
        }

        Assert.True(clipped > 0 && clipped < xs.Length, $"{clipped} of {xs.Length} clipped");
    }

    private static TensorData ZeroPoints(ElementType type, long[] dims, long[] values) => type switch
    {
        ElementType.Int8 => TensorData.FromSBytes(dims, [.. values.Select(v => (sbyte)v)]),
        ElementType.UInt8 => TensorData.FromBytesU8(dims, [.. values.Select(v => (byte)v)]),
        ElementType.Int4 => TensorData.FromBytes(ElementType.Int4, dims, PackInt4(values)),
        _ => throw new ArgumentException(type.ToString()),
    };

    /// <summary>Two 4-bit values per byte, the first in the low nibble.</summary>
    private static byte[] PackInt4(long[] values)
    {
        var bytes = new byte[(values.Length + 1) / 2];
        for (int i = 0; i < values.Length; i++)
        {
            bytes[i / 2] |= (byte)((values[i] & 0xF) << (i % 2 == 0 ? 0 : 4));
        }

        return bytes;
    }
}
