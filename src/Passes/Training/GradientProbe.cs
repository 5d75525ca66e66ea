// The mean gradient of the cross-entropy over a few labelled batches, for criteria that need one (Taylor pruning).
using Onnxc.Evaluation.Data;
using Onnxc.Passes.Training.Optimizers;

namespace Onnxc.Passes.Training;

/// <summary>
/// Runs the training graph of plain SGD (no momentum, no weight decay) at learning rate 1, so each step's update is
/// exactly w − g, reads g back as w₀ − w₁, and puts every carried tensor back before the next batch: the model is
/// never trained, and the result is the mean of the per-batch gradients of mean_n CE(z_n, y_n) with respect to every
/// trainable weight, by name. Dropout is the identity here (masks of ones), as in inference.
/// </summary>
public static class GradientProbe
{
    public static IReadOnlyDictionary<string, float[]> MeanGradients(Model model, SampleSet data, int batches, int batchSize, int threads = 0)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        if (!data.HasLabels)
        {
            throw new TrainingException($"{Path.GetFileName(data.Path)} has no labels: the gradient of the loss needs them");
        }

        var settings = new OptimizerSettings { Kind = OptimizerKind.Sgd, Momentum = 0, WeightDecay = 0 };
        TrainingGraph graph = TrainingGraphBuilder.Build(model, new TrainingSetup { Optimizer = settings });
        int classes = Trainer.Classes(graph);
        using var session = new TrainingSession(graph, threads);
        TensorData[] initial = [.. Enumerable.Range(0, graph.Carried.Count).Select(session.Read)];
        float[][] before = [.. initial.Select((t, c) => graph.Carried[c].Kind == CarriedKind.Parameter ? t.ToFloats() : [])];
        var sums = new Dictionary<string, double[]>(StringComparer.Ordinal);
        int batch = data.FixedBatchSize ?? batchSize;
        int[] indices = SubsetPicker.EvenlySpread(data.Count, Math.Min(data.Count, batches * batch));
        int seen = 0;
        foreach (SampleBatch b in data.Batches(batch, indices))
        {
            float[] target = Trainer.LabelTargets(b, classes, data.Path, eps: 0);
            IReadOnlyList<InputTensor> inputs = graph.DropoutMasks.Count == 0 ? b.Inputs
                : [.. b.Inputs, .. graph.DropoutMasks.Select(m => Ones(m, b.Count))];
            session.Step(inputs, target, null, 0f, [], OptimizerGraph.StepScalars(settings, 1.0, 1));
            for (int c = 0; c < graph.Carried.Count; c++)
            {
                CarriedTensor carried = graph.Carried[c];
                if (carried.Kind == CarriedKind.Parameter)
                {
                    float[] after = session.Read(c).ToFloats();
                    double[] sum = sums.TryGetValue(carried.Input, out double[]? existing) ? existing : sums[carried.Input] = new double[after.Length];
                    for (int i = 0; i < sum.Length; i++)
                    {
                        sum[i] += (double)before[c][i] - after[i];
                    }
                }

                session.Load(c, initial[c]);
            }

            seen++;
        }

        return sums.ToDictionary(p => p.Key, p => p.Value.Select(v => (float)(v / Math.Max(1, seen))).ToArray(), StringComparer.Ordinal);
    }

    private static InputTensor Ones(DropoutTraining.Mask mask, int count)
    {
        long[] dims = Trainer.MaskDims(mask, count);
        var ones = new float[TensorData.CountElements(dims)];
        Array.Fill(ones, 1f);
        return new InputTensor(mask.Input, dims, ones);
    }
}
