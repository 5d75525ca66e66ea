// The gradient probe against the closed form of a linear classifier's cross-entropy gradient, and that it trains nothing.
using Onnxc.Evaluation.Data;
using Onnxc.GraphIR;
using Onnxc.Passes.Training;
using Onnxc.Passes.Training.Networks;
using Onnxc.TestSupport;

namespace Onnxc.Passes.Tests.Training;

public sealed class GradientProbeTests
{
    /// <summary>
    /// z = x·Wᵀ + b, L = mean_n CE(z_n, y_n): ∂L/∂z = (softmax(z) − onehot(y))/B, ∂L/∂W = (∂L/∂z)ᵀ·x, ∂L/∂b = Σ_n ∂L/∂z;
    /// the probe's result is the mean of that over its batches (2 batches of 4 here).
    /// </summary>
    [Fact]
    public void MeanGradientsMatchTheClosedForm()
    {
        using var dir = new TempDir();
        Model model = new NetworkBuilder("x", 1, 2, 3, seed: 4).Flatten().Dense(3).Build();
        var rng = new Random(9);
        const int N = 8, D = 6, K = 3;
        float[] x = [.. Enumerable.Range(0, N * D).Select(_ => (float)((rng.NextDouble() * 2) - 1))];
        long[] labels = [.. Enumerable.Range(0, N).Select(i => (long)(i % K))];
        NpyWriter.WriteFloat32(dir.File("images.npy"), [N, 1, 2, 3], x);
        NpyWriter.WriteInt64(dir.File("labels.npy"), [N], labels);
        SampleSet data = SampleSet.Open(dir.File("images.npy"), [ModelInputSpec.Float32("x", -1, 1, 2, 3)], PreprocessOptions.None);
        Value wv = model.Graph.Initializers.Single(v => v.Name.EndsWith(".weight", StringComparison.Ordinal));
        Value bv = model.Graph.Initializers.Single(v => v.Name.EndsWith(".bias", StringComparison.Ordinal));
        float[] w = wv.Initializer!.ToFloats();
        float[] b = [0.1f, -0.2f, 0.3f];
        model.Graph.SetInitializer(bv, TensorData.FromFloats([K], b));

        IReadOnlyDictionary<string, float[]> g = GradientProbe.MeanGradients(model, data, batches: 2, batchSize: 4, threads: 1);

        var dw = new double[K * D];
        var db = new double[K];
        for (int batch = 0; batch < 2; batch++)
        {
            for (int n = batch * 4; n < (batch + 1) * 4; n++)
            {
                double[] z = [.. Enumerable.Range(0, K).Select(k => b[k] + Enumerable.Range(0, D).Sum(d => (double)w[(k * D) + d] * x[(n * D) + d]))];
                double max = z.Max();
                double sum = z.Sum(v => Math.Exp(v - max));
                for (int k = 0; k < K; k++)
                {
                    double dz = ((Math.Exp(z[k] - max) / sum) - (labels[n] == k ? 1 : 0)) / 4 / 2; // per-batch mean, mean of 2 batches
                    db[k] += dz;
                    for (int d = 0; d < D; d++)
                    {
                        dw[(k * D) + d] += dz * x[(n * D) + d];
                    }
                }
            }
        }

        for (int i = 0; i < dw.Length; i++)
        {
            Assert.True(Math.Abs(g[wv.Name][i] - dw[i]) < 1e-5 + (1e-3 * Math.Abs(dw[i])), $"dW[{i}]: {g[wv.Name][i]} vs {dw[i]}");
        }

        for (int k = 0; k < K; k++)
        {
            Assert.True(Math.Abs(g[bv.Name][k] - db[k]) < 1e-5, $"db[{k}]: {g[bv.Name][k]} vs {db[k]}");
        }

        Assert.Equal(w, wv.Initializer!.ToFloats()); // the model is not trained
    }
}
