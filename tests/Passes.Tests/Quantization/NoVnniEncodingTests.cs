// The no-VNNI rule: on AVX2 ORT multiplies u8 x s8 with vpmaddubsw (saturating int16 pair sums); our cpu encoding
// must never saturate there, and ORT's answers on it must match an exact integer reference.
using Onnxc.Evaluation;
using Onnxc.Evaluation.Data;
using Onnxc.GraphIR;
using Onnxc.Passes.Quantization;
using Onnxc.TestSupport;

namespace Onnxc.Passes.Tests.Quantization;

public sealed class NoVnniEncodingTests
{
    private const int K = 64, N = 4;

    /// <summary>x[1,64] → MatMul(W, all weights positive so whole columns hit ±q_max) → Relu → Identity → y.</summary>
    private static Model Layer()
    {
        var m = new Model();
        m.SetOpset("", 13);
        Graph g = m.Graph;
        Value x = g.AddInput("x", new TensorType(ElementType.Float, new TensorShape(1, K)));
        Value w = g.AddInitializer("w", TinyModels.Random([K, N], 21, 0.5, 1.0));
        Node mm = g.AddNode("MatMul", [x, w], ["mm"], name: "mm");
        Node relu = g.AddNode("Relu", [mm.Outputs[0]], ["r"], name: "relu");
        Node id = g.AddNode("Identity", [relu.Outputs[0]], ["y"], name: "id");
        g.AddOutput(id.Outputs[0]!);
        return m;
    }

    private sealed record IntLayer(sbyte[] W, float Sx, int Zx, float[] Sw, float Sy, int Zy);

    private static (QuantizationResult Result, IntLayer Layer) Quantize(TempDir tmp, QuantTarget target)
    {
        Model model = Layer();
        SampleSet calib = TinyModels.Samples(tmp.Path, model, [K], 64, seed: 22, lo: 0, hi: 1);
        var options = new QuantizationOptions { Target = target, Format = QuantFormat.QOperator };
        QuantizationResult r = Int8Compiler.Compile(model, options, calib);
        Node q = r.Model.Graph.Nodes.Single(n => n.OpType == "QLinearMatMul");
        float F(int i) => q.Input(i)!.Initializer!.ToFloats()[0];
        int Z(int i) => (int)q.Input(i)!.Initializer!.ToDoubles()[0];
        var layer = new IntLayer([.. q.Input(3)!.Initializer!.AsSpan<sbyte>()], F(1), Z(2), q.Input(4)!.Initializer!.ToFloats(), F(6), Z(7));
        return (r, layer);
    }

    private static long[] ExactAccumulators(IntLayer l, byte[] xq)
    {
        var acc = new long[N];
        for (int n = 0; n < N; n++)
        {
            for (int k = 0; k < K; k++)
            {
                acc[n] += (xq[k] - l.Zx) * l.W[(k * N) + n];
            }
        }

        return acc;
    }

    /// <summary>AVX2's u8·s8 path: vpmaddubsw adds adjacent products into a saturating int16, then widens.</summary>
    private static long[] Avx2Accumulators(IntLayer l, byte[] xq)
    {
        var acc = new long[N];
        for (int n = 0; n < N; n++)
        {
            long sum = 0, wsum = 0;
            for (int k = 0; k < K; k += 2)
            {
                int pair = (xq[k] * l.W[(k * N) + n]) + (xq[k + 1] * l.W[((k + 1) * N) + n]);
                sum += Math.Clamp(pair, short.MinValue, short.MaxValue);
                wsum += l.W[(k * N) + n] + l.W[((k + 1) * N) + n];
            }

            acc[n] = sum - (l.Zx * wsum);
        }

        return acc;
    }

    private static byte[] Quantize(float[] x, IntLayer l) => [.. x.Select(v => (byte)QuantMath.Quantize(v, l.Sx, l.Zx, ElementType.UInt8))];

    private static float[][] Inputs()
    {
        var rng = new Random(23);
        return [Enumerable.Repeat(1f, K).ToArray(), .. Enumerable.Range(0, 8).Select(_ => Enumerable.Range(0, K).Select(_ => (float)rng.NextDouble()).ToArray())];
    }

    [Fact]
    public void CpuTargetWeightsCannotSaturateVpmaddubsw()
    {
        using var tmp = new TempDir();
        (_, IntLayer l) = Quantize(tmp, QuantTarget.Cpu);
        Assert.All(l.W, w => Assert.InRange((int)w, -63, 63));

        // Worst case for every pair: both activations at 255 and both weights at the extreme of 7 bits.
        Assert.True(255 * 63 * 2 <= short.MaxValue);
        foreach (float[] x in Inputs())
        {
            byte[] xq = Quantize(x, l);
            Assert.Equal(ExactAccumulators(l, xq), Avx2Accumulators(l, xq));
        }
    }

    [Fact]
    public void FullRangeWeightsWouldSaturateWithoutVnni()
    {
        using var tmp = new TempDir();
        (_, IntLayer l) = Quantize(tmp, QuantTarget.CpuVnni);
        Assert.Contains(l.W, w => w == 127);
        byte[] xq = Quantize(Inputs()[0], l);
        Assert.NotEqual(ExactAccumulators(l, xq), Avx2Accumulators(l, xq));
    }

    [Fact]
    public void OrtMatchesTheExactIntegerReferenceOnTheCpuEncoding()
    {
        using var tmp = new TempDir();
        (QuantizationResult r, IntLayer l) = Quantize(tmp, QuantTarget.Cpu);
        using InferenceRunner ort = InferenceRunner.Create(r.Model);
        foreach (float[] x in Inputs())
        {
            float[] y = ort.Run([new InputTensor("x", [1, K], x)])[0].Data;
            long[] acc = ExactAccumulators(l, Quantize(x, l));
            for (int n = 0; n < N; n++)
            {
                double real = acc[n] * (double)l.Sx * l.Sw[n];
                int yq = (int)Math.Clamp(Math.Round(real / l.Sy, MidpointRounding.ToEven) + l.Zy, 0, 255);
                double reference = (yq - l.Zy) * (double)l.Sy;
                Assert.True(Math.Abs(y[n] - reference) <= l.Sy * 1.001, $"column {n}: ORT {y[n]} vs reference {reference} (1 LSB = {l.Sy})");
            }
        }
    }
}
