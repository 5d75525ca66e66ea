// A training step run by ORT on the emitted training graph against an independent float64 reference.
using Onnxc.Evaluation.Data;
using Onnxc.GraphIR;
using Onnxc.Passes.Tests.Training.Reference;
using Onnxc.Passes.Training;
using Onnxc.Passes.Training.Losses;
using Onnxc.Passes.Training.Networks;
using Onnxc.Passes.Training.Optimizers;

namespace Onnxc.Passes.Tests.Training.Loop;

/// <summary>
/// The reference shares nothing with the training graph: the loss L(w) = mean_n −Σ_k q·log softmax(z) is
/// computed on the host from the float64 interpreter's logits, its gradient is a central finite difference, and
/// the optimizer update is written out here from its textbook form. Three steps are compared, so the optimizer
/// state (momentum, Adam moments) and the bias corrections are exercised too.
/// </summary>
public sealed class TrainingStepTests
{
    private const int Batch = 5;
    private const int Classes = 3;

    public static TheoryData<string, string> Cases() => new()
    {
        { "mlp", "sgd" },
        { "mlp", "adamw" },
        { "cnn", "sgd" },
        { "cnn", "adamw" },
        { "cnn-bn", "sgd" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void ThreeStepsMatchTheFloat64Reference(string network, string optimizer)
    {
        Model model = Network(network);
        var settings = optimizer == "adamw"
            ? new OptimizerSettings { Kind = OptimizerKind.AdamW, WeightDecay = 0.01 }
            : new OptimizerSettings { Kind = OptimizerKind.Sgd, Momentum = 0.9, WeightDecay = 0.001 };
        var setup = new TrainingSetup { Optimizer = settings, Loss = new LossSettings { LabelSmoothing = 0.1 } };
        TrainingGraph graph = TrainingGraphBuilder.Build(model, setup);

        var rng = new Random(11);
        long[] dims = [Batch, 1, 6, 6];
        float[] x = [.. Enumerable.Range(0, Batch * 36).Select(_ => (float)((rng.NextDouble() * 2) - 1))];
        int[] labels = [.. Enumerable.Range(0, Batch).Select(i => i % Classes)];
        double[] q = Targets(labels, 0.1);

        using var session = new TrainingSession(graph, threads: 1);
        CarriedTensor[] parameters = [.. graph.Parameters];
        var reference = parameters.ToDictionary(p => p.Input, p => p.Initial.ToDoubles());
        var state = new Dictionary<string, double[][]>();
        const double lr = 0.05;
        for (int step = 1; step <= 3; step++)
        {
            IReadOnlyList<(string, float)> scalars = OptimizerGraph.StepScalars(settings, lr, step);
            session.Step([new InputTensor("input", dims, x)], [.. q.Select(v => (float)v)], null, 0f, [], scalars);

            Dictionary<string, double[]> grads = FiniteDifferenceGradients(model, reference, x, dims, q);
            foreach (CarriedTensor p in parameters)
            {
                double[] w = reference[p.Input];
                double[] g = grads[p.Input];
                state.TryAdd(p.Input, [new double[w.Length], new double[w.Length]]);
                double[][] s = state[p.Input];
                for (int i = 0; i < w.Length; i++)
                {
                    if (settings.Kind == OptimizerKind.Sgd)
                    {
                        s[0][i] = (settings.Momentum * s[0][i]) + g[i] + (settings.WeightDecay * w[i]);
                        w[i] -= lr * s[0][i];
                    }
                    else
                    {
                        s[0][i] = (settings.Beta1 * s[0][i]) + ((1 - settings.Beta1) * g[i]);
                        s[1][i] = (settings.Beta2 * s[1][i]) + ((1 - settings.Beta2) * g[i] * g[i]);
                        double mHat = s[0][i] / (1 - Math.Pow(settings.Beta1, step));
                        double vHat = s[1][i] / (1 - Math.Pow(settings.Beta2, step));
                        w[i] = (w[i] * (1 - (lr * settings.WeightDecay))) - (lr * mHat / (Math.Sqrt(vHat) + settings.Epsilon));
                    }
                }
            }

            for (int k = 0; k < graph.Carried.Count; k++)
            {
                CarriedTensor c = graph.Carried[k];
                if (c.Kind != CarriedKind.Parameter)
                {
                    continue;
                }

                float[] ort = session.Read(k).ToFloats();
                double[] expected = reference[c.Input];
                double[] initial = c.Initial.ToDoubles();
                double moved = expected.Select((v, i) => Math.Abs(v - initial[i])).Max();
                double error = ort.Select((v, i) => Math.Abs(v - expected[i])).Max();
                Assert.True(error <= (5e-3 * moved) + 1e-6,
                    $"{network}/{optimizer} step {step}: {c.Input} is off the reference by {error:G3} (weights moved {moved:G3})");
            }
        }
    }

    /// <summary>Running statistics: the updated running mean is m·mean + (1−m)·(batch mean), from the same batch.</summary>
    [Fact]
    public void BatchNormRunningMeanFollowsTheBatch()
    {
        Model model = Network("cnn-bn");
        TrainingGraph graph = TrainingGraphBuilder.Build(model, new TrainingSetup());
        var rng = new Random(5);
        long[] dims = [Batch, 1, 6, 6];
        float[] x = [.. Enumerable.Range(0, Batch * 36).Select(_ => (float)rng.NextDouble())];
        using var session = new TrainingSession(graph, threads: 1);
        session.Step([new InputTensor("input", dims, x)], [.. Targets([0, 1, 2, 0, 1], 0).Select(v => (float)v)], null, 0f, [],
            OptimizerGraph.StepScalars(new OptimizerSettings(), 0.01, 1));

        // The conv before the BN: its batch mean per channel, from the float64 reference at the initial weights.
        var feeds = new Dictionary<Value, F64> { [model.Graph.Inputs[0]] = new F64(dims, [.. x.Select(v => (double)v)]) };
        Dictionary<Value, F64> env = Float64Evaluator.Run(model.Graph, feeds);
        F64 conv = env[model.Graph.Nodes.First(n => n.OpType == "Conv").Outputs[0]!];
        int c = (int)conv.Dims[1];
        int plane = (int)(conv.Dims[2] * conv.Dims[3]);
        int index = graph.Carried.ToList().FindIndex(t => t.Kind == CarriedKind.Buffer && t.Input.EndsWith("running_mean", StringComparison.Ordinal));
        float[] updated = session.Read(index).ToFloats();
        for (int ch = 0; ch < c; ch++)
        {
            double sum = 0;
            for (int n = 0; n < Batch; n++)
            {
                for (int i = 0; i < plane; i++)
                {
                    sum += conv.Data[(((n * c) + ch) * plane) + i];
                }
            }

            double expected = 0.1 * sum / (Batch * plane); // 0.9·0 + 0.1·μ
            Assert.True(Math.Abs(updated[ch] - expected) < 1e-5, $"channel {ch}: {updated[ch]} vs {expected}");
        }
    }

    /// <summary>
    /// The distillation loss the step reports is (1−α)·CE(q, z) + α·T²·KL(p_t ‖ softmax(z/T)) at the weights before
    /// the update, with the teacher's entropy term fed as the trainer feeds it.
    /// </summary>
    [Fact]
    public void TheDistillationLossIsCrossEntropyPlusScaledKl()
    {
        Model model = Network("mlp");
        const double alpha = 0.7, temperature = 3;
        var setup = new TrainingSetup { Loss = new LossSettings { Distillation = new DistillationSettings(temperature, alpha) } };
        TrainingGraph graph = TrainingGraphBuilder.Build(model, setup);
        var rng = new Random(8);
        long[] dims = [Batch, 1, 6, 6];
        float[] x = [.. Enumerable.Range(0, Batch * 36).Select(_ => (float)((rng.NextDouble() * 2) - 1))];
        double[] q = Targets([0, 1, 2, 1, 0], 0);
        double[] teacher = [.. Enumerable.Range(0, Batch * Classes).Select(_ => rng.NextDouble())];
        for (int n = 0; n < Batch; n++)
        {
            double sum = teacher.Skip(n * Classes).Take(Classes).Sum();
            for (int k = 0; k < Classes; k++)
            {
                teacher[(n * Classes) + k] /= sum;
            }
        }

        double entropyTerm = alpha * temperature * temperature * teacher.Sum(p => p * Math.Log(p)) / Batch;
        using var session = new TrainingSession(graph, threads: 1);
        (float loss, _) = session.Step([new InputTensor("input", dims, x)], [.. q.Select(v => (float)v)],
            [.. teacher.Select(v => (float)v)], (float)entropyTerm, [], OptimizerGraph.StepScalars(setup.Optimizer, 0.01, 1));

        var feeds = new Dictionary<Value, F64> { [model.Graph.Inputs[0]] = new F64(dims, [.. x.Select(v => (double)v)]) };
        double[] z = Float64Evaluator.Run(model.Graph, feeds)[model.Graph.Outputs[0]].Data;
        double expected = 0;
        for (int n = 0; n < Batch; n++)
        {
            double[] row = z[(n * Classes)..((n + 1) * Classes)];
            double[] logp = LogSoftmax(row, 1);
            double[] logpT = LogSoftmax(row, temperature);
            for (int k = 0; k < Classes; k++)
            {
                double pt = teacher[(n * Classes) + k];
                expected += ((1 - alpha) * -q[(n * Classes) + k] * logp[k]) + (alpha * temperature * temperature * pt * (Math.Log(pt) - logpT[k]));
            }
        }

        expected /= Batch;
        Assert.True(Math.Abs(loss - expected) < 1e-4 * (1 + Math.Abs(expected)), $"loss {loss}, expected {expected}");
    }

    private static double[] LogSoftmax(double[] z, double temperature)
    {
        double max = z.Max() / temperature;
        double log = Math.Log(z.Sum(v => Math.Exp((v / temperature) - max)));
        return [.. z.Select(v => (v / temperature) - max - log)];
    }

    private static Model Network(string kind) => kind switch
    {
        "mlp" => new NetworkBuilder("input", 1, 6, 6, seed: 2).Flatten().Dense(7).Relu().Dense(Classes).Build(),
        "cnn" => new NetworkBuilder("input", 1, 6, 6, seed: 2).Conv(4, 3, pad: 1).Relu().MaxPool(2, 2).Conv(3, 3, stride: 2, pad: 1)
            .Relu().Flatten().Dense(Classes).Build(),
        "cnn-bn" => new NetworkBuilder("input", 1, 6, 6, seed: 2).Conv(4, 3, pad: 1).BatchNorm().Relu().MaxPool(2, 2)
            .GlobalAveragePool().Flatten().Dense(Classes).Build(),
        _ => throw new ArgumentException(kind),
    };

    private static double[] Targets(int[] labels, double eps)
    {
        var q = new double[labels.Length * Classes];
        for (int n = 0; n < labels.Length; n++)
        {
            for (int k = 0; k < Classes; k++)
            {
                q[(n * Classes) + k] = (k == labels[n] ? 1 - eps : 0) + (eps / Classes);
            }
        }

        return q;
    }

    /// <summary>dL/dw by central differences of the float64 loss, for every element of every parameter.</summary>
    private static Dictionary<string, double[]> FiniteDifferenceGradients(
        Model model, Dictionary<string, double[]> weights, float[] x, long[] dims, double[] q)
    {
        var result = new Dictionary<string, double[]>();
        const double h = 1e-5;
        foreach ((string name, double[] w) in weights)
        {
            var g = new double[w.Length];
            for (int i = 0; i < w.Length; i++)
            {
                double keep = w[i];
                w[i] = keep + h;
                double plus = Loss(model, weights, x, dims, q);
                w[i] = keep - h;
                double minus = Loss(model, weights, x, dims, q);
                w[i] = keep;
                g[i] = (plus - minus) / (2 * h);
            }

            result[name] = g;
        }

        return result;
    }

    /// <summary>
    /// The loss with the network in training form: a BatchNormalization uses the batch's statistics, which the
    /// float64 interpreter's inference kernel does not, so the reference evaluates such a network with the batch
    /// statistics substituted in (see <see cref="Float64Evaluator.RunTraining"/>).
    /// </summary>
    private static double Loss(Model model, Dictionary<string, double[]> weights, float[] x, long[] dims, double[] q)
    {
        Graph g = model.Graph;
        var feeds = new Dictionary<Value, F64> { [g.Inputs[0]] = new F64(dims, [.. x.Select(v => (double)v)]) };
        foreach ((string name, double[] w) in weights)
        {
            Value v = g.FindValue(name)!;
            feeds[v] = new F64([.. v.Initializer!.Dims], w);
        }

        double[] z = Float64Evaluator.RunTraining(g, feeds)[g.Outputs[0]].Data;
        double loss = 0;
        for (int n = 0; n < Batch; n++)
        {
            double max = double.NegativeInfinity;
            for (int k = 0; k < Classes; k++)
            {
                max = Math.Max(max, z[(n * Classes) + k]);
            }

            double sum = 0;
            for (int k = 0; k < Classes; k++)
            {
                sum += Math.Exp(z[(n * Classes) + k] - max);
            }

            for (int k = 0; k < Classes; k++)
            {
                loss -= q[(n * Classes) + k] * (z[(n * Classes) + k] - max - Math.Log(sum));
            }
        }

        return loss / Batch;
    }
}
