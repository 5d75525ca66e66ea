// The shared batching of .npy and image-folder data: one sample per item, stacked along the batch axis.
namespace Onnxc.Evaluation.Data;

/// <summary>
/// A set whose samples are single items (an image, an array row) of one model input; a batch stacks
/// items along dimension 0. Subclasses read and preprocess one item at a time.
/// </summary>
internal abstract class ItemSampleSet : SampleSet
{
    private readonly long[]? _labels;

    private protected ItemSampleSet(string path, ModelInputSpec input, long[]? labels)
        : base(path, [input])
    {
        Input = input;
        _labels = labels;
    }

    public ModelInputSpec Input { get; }

    public override bool HasLabels => _labels is not null;

    public override int? FixedBatchSize => Input.Dims[0] >= 0 ? checked((int)Input.Dims[0]) : null;

    public override IEnumerable<SampleBatch> Batches(int batchSize, IReadOnlyList<int>? indices = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        if (FixedBatchSize is int fixedSize && batchSize != fixedSize)
        {
            throw new ArgumentException(
                $"input '{Input.Name}' has a fixed batch of {fixedSize}; read it in batches of {fixedSize}, not {batchSize}", nameof(batchSize));
        }

        indices ??= Enumerable.Range(0, Count).ToArray();
        CheckIndices(indices);
        if (FixedBatchSize is int k && indices.Count % k != 0)
        {
            throw new SampleDataException(
                $"{System.IO.Path.GetFileName(Path)}: {indices.Count} samples do not fill batches of {k}, the fixed batch of input '{Input.Name}'");
        }

        return Iterate(batchSize, indices);
    }

    /// <summary>Opens what reading items needs (a file handle, say) for one pass over the data.</summary>
    private protected abstract IItemReader OpenReader();

    private IEnumerable<SampleBatch> Iterate(int batchSize, IReadOnlyList<int> indices)
    {
        using var reader = OpenReader();
        for (int start = 0; start < indices.Count; start += batchSize)
        {
            int count = Math.Min(batchSize, indices.Count - start);
            var batchIndices = new int[count];
            float[]? data = null;
            long[]? itemShape = null;
            string? firstSource = null;
            for (int j = 0; j < count; j++)
            {
                int index = indices[start + j];
                batchIndices[j] = index;
                float[] item = reader.Read(index, out long[] shape, out string source);
                if (itemShape is null)
                {
                    itemShape = shape;
                    firstSource = source;
                    data = new float[checked(item.Length * count)];
                }
                else if (!shape.AsSpan().SequenceEqual(itemShape))
                {
                    throw new SampleDataException(
                        $"{source}: is {SampleShapes.Format(shape)} after preprocessing but {firstSource} in the same batch is {SampleShapes.Format(itemShape)} (use resize= and crop= to make them equal)");
                }

                item.CopyTo(data!, j * item.Length);
            }

            long[] batchShape = [count, .. itemShape!];
            long[]? labels = _labels is null ? null : batchIndices.Select(i => _labels[i]).ToArray();
            yield return new SampleBatch([new InputTensor(Input.Name, batchShape, data!)], batchIndices, labels);
        }
    }

    /// <summary>Reads one item, preprocessed into the model's per-sample layout.</summary>
    private protected interface IItemReader : IDisposable
    {
        float[] Read(int index, out long[] itemShape, out string source);
    }
}
