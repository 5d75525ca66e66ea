// The mean gradient of the cross-entropy over a few labelled batches, for criteria that need one (Taylor pruning).
using Onnxc.Passes.Data;
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
        Value logits = graph.Model.Graph.FindValue(graph.Logits)!;
        int classes = logits.Shape is { Rank: 2 } s && s[1].Value is long k && k > 0 ? checked((int)k)
            : throw new TrainingException($"the logits '{graph.Logits}' need a static class count, not {logits.Shape}");
        using var session = new TrainingSession(graph, threads);
        TensorData[] initial = [.. Enumerable.Range(0, graph.Carried.Count).Select(session.Read)];
        var sums = new Dictionary<string, double[]>(StringComparer.Ordinal);
        int batch = data.FixedBatchSize ?? batchSize;
        int[] indices = SubsetPicker.EvenlySpread(data.Count, Math.Min(data.Count, batches * batch));
        int seen = 0;
        foreach (SampleBatch b in data.Batches(batch, indices))
        {
            float[] target = new float[b.Count * classes];
            for (int i = 0; i < b.Count; i++)
            {
                long label = b.Labels![i];
                if (label < 0 || label >= classes)
                {
                    throw new SampleDataException($"{Path.GetFileName(data.Path)}: label {label} of sample {b.Indices[i]} is outside [0, {classes}), the model's classes");
                }

                target[(i * classes) + (int)label] = 1;
            }

            IReadOnlyList<InputTensor> inputs = graph.DropoutMasks.Count == 0 ? b.Inputs
                : [.. b.Inputs, .. graph.DropoutMasks.Select(m => Ones(m, b.Count))];
            session.Step(inputs, target, null, 0f, [], OptimizerGraph.StepScalars(settings, 1.0, 1));
            for (int c = 0; c < graph.Carried.Count; c++)
            {
                CarriedTensor carried = graph.Carried[c];
                if (carried.Kind == CarriedKind.Parameter)
                {
                    float[] before = initial[c].ToFloats();
                    float[] after = session.Read(c).ToFloats();
                    double[] sum = sums.TryGetValue(carried.Input, out double[]? existing) ? existing : sums[carried.Input] = new double[before.Length];
                    for (int i = 0; i < sum.Length; i++)
                    {
                        sum[i] += (double)before[i] - after[i];
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
        long[] dims = [.. mask.Dims];
        if (dims[0] < 0)
        {
            dims[0] = count;
        }

        var ones = new float[TensorData.CountElements(dims)];
        Array.Fill(ones, 1f);
        return new InputTensor(mask.Input, dims, ones);
    }
}
