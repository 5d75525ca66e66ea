// Accuracy control: a layer that quantizes badly is found by its SQNR, put back in float, and the drop recovers.
using Onnxc.Evaluation;
using Onnxc.Evaluation.Data;
using Onnxc.GraphIR;
using Onnxc.Passes.Quantization;
using Onnxc.Passes.Tests.Evaluation.Data;
using Onnxc.TestSupport;

namespace Onnxc.Passes.Tests.Quantization;

public sealed class AccuracyControlTests(Xunit.Abstractions.ITestOutputHelper output)
{
    [Fact]
    public void FallbacksFollowTheSqnrRankingAndAreKeptOnlyWhenAccuracyRises()
    {
        using var tmp = new TempDir();
        Model model = TinyModels.ConvNet();

        // Rescale conv1's channels 1..3 by 0.01 and conv2's matching inputs by 100: relu(0.01·z)·100 = relu(z), so the
        // float model barely changes, but per-tensor int8 weights of conv1 (scale from channel 0) lose those
        // channels, so the quantized model drops well below the float one.
        Graph g = model.Graph;
        Scale(g, "w1", 27, c => c / 27 == 0 ? 1f : 0.01f);
        Scale(g, "b1", 1, c => c == 0 ? 1f : 0.01f);
        Scale(g, "w2", 1, c => c % 4 == 0 ? 1f : 100f);

        SampleSet calib = TinyModels.Samples(tmp.Path, model, [3, 8, 8], 64, seed: 40);
        string evalDir = Path.Combine(tmp.Path, "eval");
        Directory.CreateDirectory(evalDir);
        SampleSet unlabeled = TinyModels.Samples(evalDir, model, [3, 8, 8], 200, seed: 41);

        // Labels are the float model's own answers, so float top-1 is 100%.
        using (InferenceRunner f = InferenceRunner.Create(model))
        {
            var labels = new List<long>();
            foreach (SampleBatch b in unlabeled.Batches(50, 200))
            {
                float[] y = f.Run(b)[0].Data;
                for (int s = 0; s < b.Count; s++)
                {
                    labels.Add(Metrics.ArgMax(y.AsSpan(s * 5, 5)));
                }
            }

            NpyWriter.WriteInt64(Path.Combine(evalDir, "labels.npy"), [200], [.. labels]);
        }

        SampleSet eval = SampleSet.Open(unlabeled.Path, unlabeled.Inputs, PreprocessOptions.None);
        var options = new QuantizationOptions
        {
            Weights = WeightGranularity.PerTensor,
            MaxAccuracyDrop = 0.5,
            Calibration = new Onnxc.Passes.Calibration.CalibrationOptions { SampleCount = 64 },
        };
        QuantizationResult r = Int8Compiler.Compile(model, options, calib, evalData: eval, log: output.WriteLine);
        AccuracyControlResult acc = r.Summary.Accuracy!;
        Assert.Equal(100.0, acc.FloatTop1);
        Assert.True(acc.InitialInt8Top1 < 99.5, acc.ToString());
        Assert.True(acc.Int8Top1 > acc.InitialInt8Top1, acc.ToString());
        Assert.Equal(acc.Drop <= 0.5, acc.Met);
        Assert.NotEmpty(r.Summary.Fallbacks);
        double[] noise = [.. acc.Sensitivity.Select(l => l.SqnrDb)];
        Assert.Equal(noise.OrderByDescending(x => x), noise);
        string[] ranked = [.. acc.Sensitivity.Select(l => l.Node)];
        Assert.Equal(ranked.Where(r.Summary.Fallbacks.Contains), r.Summary.Fallbacks);
        Assert.All(r.Summary.Fallbacks, f => Assert.Contains(r.Summary.Nodes, n => n.Node == f && !n.Quantized));
        Assert.Contains("kept float for accuracy", r.Summary.ToText(), StringComparison.Ordinal);
    }

    /// <summary>Multiplies element i of initializer <paramref name="name"/> by factor(i / stride).</summary>
    private static void Scale(Graph g, string name, int stride, Func<int, float> factor)
    {
        Value v = g.FindValue(name)!;
        float[] w = v.Initializer!.ToFloats();
        for (int i = 0; i < w.Length; i++)
        {
            w[i] *= factor(i / stride);
        }

        g.SetInitializer(v, TensorData.FromFloats(v.Initializer.Dims.AsSpan(), w));
    }
}
