// The gradient of a real exported network (CIFAR-10 ResNet-20, with its Slice/Pad shortcuts) against a finite difference of its loss.
using Onnxc.Evaluation.Data;
using Onnxc.GraphIR;
using Onnxc.GraphIR.Onnx;
using Onnxc.Passes.Training;
using Onnxc.Passes.Training.Optimizers;
using Onnxc.TestSupport;
using Xunit.Abstractions;

namespace Onnxc.Passes.Tests.Training.Loop;

/// <summary>
/// One plain SGD step with learning rate 1 gives g = w − w' for every weight. Along a direction d, the directional
/// derivative g·d must match (L(w + εd) − L(w − εd))/2ε, with L the cross-entropy of the evaluation graph's
/// logits computed here. Per weight tensor, along d = g_k/|g_k|, it is |g_k|; along a random d over all tensors it
/// checks every weight at once. (A step along the whole gradient leaves the linear range of a converged network's
/// loss even at ε = 0.01, so the joint check uses a random direction.)
/// </summary>
public sealed class SharedModelGradientTests(ITestOutputHelper output)
{
    /// <summary>Small enough to stay in the loss's linear range on a converged network, large enough for float32.</summary>
    private const double Eps = 1e-3;

    [SharedFact]
    public void ResNet20GradientMatchesAFiniteDifferenceOfItsLoss()
    {
        Model model = OnnxImporter.Load(SharedData.Model("cifar10-resnet20-akamaster.onnx"));
        var setup = new TrainingSetup { Optimizer = new OptimizerSettings { Momentum = 0 } };
        TrainingGraph graph = TrainingGraphBuilder.Build(model, setup);
        IReadOnlyList<ModelInputSpec> specs = [ModelInputSpec.Float32("input", -1, 3, 32, 32)];
        var pre = PreprocessOptions.Parse("scale=0.00392156862745098;mean=0.485,0.456,0.406;std=0.229,0.224,0.225");
        SampleBatch batch = SampleSet.Open(SharedData.Data("cifar10", "images.npy"), specs, pre).Batches(16, [.. Enumerable.Range(0, 16).Select(i => i * 613)]).Single();
        float[] q = new float[16 * 10];
        for (int i = 0; i < 16; i++)
        {
            q[(i * 10) + (int)batch.Labels![i]] = 1;
        }

        using var session = new TrainingSession(graph, threads: 1);
        int[] parameters = [.. Enumerable.Range(0, graph.Carried.Count).Where(i => graph.Carried[i].Kind == CarriedKind.Parameter)];
        float[][] w0 = [.. parameters.Select(i => session.Read(i).ToFloats())];
        session.Step(batch.Inputs, q, null, 0f, [], OptimizerGraph.StepScalars(setup.Optimizer, 1.0, 1));
        double[][] g = [.. parameters.Select((i, k) => session.Read(i).ToFloats().Select((v, j) => (double)w0[k][j] - v).ToArray())];
        double norm = Math.Sqrt(g.Sum(a => a.Sum(v => v * v)));
        Assert.True(norm > 1e-4, $"|g| = {norm}");

        // Each weight tensor along its own gradient: the directional derivative is |g_k|.
        var failures = new List<string>();
        for (int k = 0; k < parameters.Length; k++)
        {
            double nk = Math.Sqrt(g[k].Sum(v => v * v));
            double[][] dk = [.. g.Select((a, j) => j == k ? a.Select(v => v / Math.Max(nk, 1e-12)).ToArray() : new double[a.Length])];
            double numeric = (Loss(session, parameters, w0, dk, Eps, batch, q) - Loss(session, parameters, w0, dk, -Eps, batch, q)) / (2 * Eps);
            if (Math.Abs(nk - numeric) > (0.03 * Math.Abs(numeric)) + 2e-5)
            {
                failures.Add($"{graph.Carried[parameters[k]].Input}: |g| {nk:G5}, finite difference {numeric:G5}");
            }
        }

        Assert.True(failures.Count == 0, string.Join("; ", failures));

        // Every weight at once, along a random direction.
        var rng = new Random(2);
        double[][] d = [.. g.Select(a => a.Select(_ => (rng.NextDouble() * 2) - 1).ToArray())];
        double dn = Math.Sqrt(d.Sum(a => a.Sum(v => v * v)));
        d = [.. d.Select(a => a.Select(v => v / dn).ToArray())];
        double analytic = g.Zip(d).Sum(p => p.First.Zip(p.Second).Sum(t => t.First * t.Second));
        double joint = (Loss(session, parameters, w0, d, Eps, batch, q) - Loss(session, parameters, w0, d, -Eps, batch, q)) / (2 * Eps);
        output.WriteLine($"random direction: analytic {analytic:G6}, finite difference {joint:G6}; |g| = {norm:G4} over {parameters.Length} tensors");
        Assert.True(Math.Abs(analytic - joint) <= (0.05 * Math.Abs(joint)) + 2e-5, $"random direction: analytic {analytic}, numeric {joint}");
    }

    private static double Loss(TrainingSession session, int[] parameters, float[][] w0, double[][] d, double eps, SampleBatch batch, float[] q)
    {
        for (int k = 0; k < parameters.Length; k++)
        {
            TensorData shape = session.Graph.Carried[parameters[k]].Initial;
            session.Load(parameters[k], TensorData.FromFloats(shape.Dims.AsSpan(), [.. w0[k].Select((v, j) => (float)(v + (eps * d[k][j])))]));
        }

        float[] z = session.Evaluate(batch.Inputs);
        double loss = 0;
        int n = batch.Count;
        for (int i = 0; i < n; i++)
        {
            double max = z.Skip(i * 10).Take(10).Max(v => (double)v);
            double sum = z.Skip(i * 10).Take(10).Sum(v => Math.Exp(v - max));
            for (int k = 0; k < 10; k++)
            {
                loss -= q[(i * 10) + k] * (z[(i * 10) + k] - max - Math.Log(sum));
            }
        }

        return loss / n;
    }
}
