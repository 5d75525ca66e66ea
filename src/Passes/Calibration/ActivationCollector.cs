// Runs the float model in ONNX Runtime over calibration batches and streams the chosen tensors into histograms.
using Onnxc.Evaluation;
using Onnxc.Evaluation.Data;
using Onnxc.GraphIR;

namespace Onnxc.Passes.Calibration;

/// <summary>
/// Calibration's data side. The tensors to observe are exposed as extra outputs of a copy of the model; each batch
/// runs once, every exposed tensor is added to its histogram (in parallel across tensors) and the batch's
/// activations are released before the next one runs, so memory is one batch of activations plus 2·B counters
/// per tensor, whatever the number of samples.
/// </summary>
public static class ActivationCollector
{
    /// <summary>Observes <paramref name="tensors"/> of <paramref name="model"/> on samples of <paramref name="data"/>.</summary>
    public static CalibrationStatistics Collect(Model model, IReadOnlyCollection<string> tensors, SampleSet data, CalibrationOptions options)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(options);
        if (data.Count == 0)
        {
            throw new SampleDataException($"{data.Path}: no samples to calibrate on");
        }

        int batchSize = data.FixedBatchSize ?? Math.Max(1, options.BatchSize);
        int[] picked = SubsetPicker.EvenlySpread(data.Count, Math.Max(1, options.SampleCount));
        return Collect(model, tensors, data.Batches(batchSize, picked), options.Bins, options.Progress, picked.Length);
    }

    /// <summary>Observes <paramref name="tensors"/> over the given batches, telling <paramref name="progress"/> after each.</summary>
    public static CalibrationStatistics Collect(
        Model model, IReadOnlyCollection<string> tensors, IEnumerable<SampleBatch> batches, int bins = 2048, Action<int, int>? progress = null, int total = 0)
    {
        var inputNames = new HashSet<string>(model.Graph.Inputs.Where(v => !v.IsInitializer).Select(v => v.Name), StringComparer.Ordinal);
        var histograms = tensors.Distinct().ToDictionary(t => t, _ => new TensorHistogram(bins), StringComparer.Ordinal);
        string[] exposed = [.. histograms.Keys.Where(t => !inputNames.Contains(t))];
        using InferenceRunner runner = InferenceRunner.Create(model, exposed);
        var exposedHistograms = exposed.Select(t => histograms[t]).ToArray();
        int samples = 0;
        foreach (SampleBatch batch in batches)
        {
            foreach (InputTensor input in batch.Inputs)
            {
                if (histograms.TryGetValue(input.Name, out TensorHistogram? h))
                {
                    h.Add(input.Data);
                }
            }

            if (exposed.Length > 0)
            {
                runner.Visit(batch.Inputs, exposed, (i, values) => exposedHistograms[i].Add(values));
            }

            samples += batch.Count;
            progress?.Invoke(samples, Math.Max(total, samples));
        }

        if (samples == 0)
        {
            throw new SampleDataException("no calibration samples were read");
        }

        return new CalibrationStatistics(histograms, samples);
    }
}
