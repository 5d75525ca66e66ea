// A batch of samples as the model takes them, with labels when the data set has them.
namespace Onnxc.Evaluation.Data;

/// <summary>
/// One run's worth of model inputs. <see cref="Indices"/> are the positions of the batch's samples in the
/// <see cref="SampleSet"/> (in batch order); <see cref="Labels"/> is parallel to them, or null when the set has
/// no labels.
/// </summary>
public sealed class SampleBatch
{
    public SampleBatch(IReadOnlyList<InputTensor> inputs, IReadOnlyList<int> indices, IReadOnlyList<long>? labels)
    {
        if (labels is not null && labels.Count != indices.Count)
        {
            throw new ArgumentException($"{labels.Count} labels for {indices.Count} samples", nameof(labels));
        }

        Inputs = inputs;
        Indices = indices;
        Labels = labels;
    }

    public IReadOnlyList<InputTensor> Inputs { get; }

    public IReadOnlyList<int> Indices { get; }

    public IReadOnlyList<long>? Labels { get; }

    public int Count => Indices.Count;

    /// <summary>The tensor for the input named <paramref name="name"/>.</summary>
    public InputTensor this[string name] =>
        Inputs.FirstOrDefault(t => t.Name == name)
        ?? throw new KeyNotFoundException($"the batch has no input '{name}'");
}
