// The sample data behind --calibration and --data: opens a .npy file, an image folder or ONNX test-data sets.
namespace Onnxc.Evaluation.Data;

/// <summary>
/// A data set the model can be run on, read lazily: <see cref="Open"/> checks the data's shape, type and
/// labels up front, and <see cref="Batches(int, IReadOnlyList{int})"/> then decodes and preprocesses only the
/// samples of the batch being produced, so memory stays at one batch however large the set is.
/// Three forms (see <see cref="Open"/>); all errors about the data are <see cref="SampleDataException"/>s.
/// </summary>
public abstract class SampleSet
{
    private protected SampleSet(string path, IReadOnlyList<ModelInputSpec> inputs)
    {
        Path = path;
        Inputs = inputs;
    }

    /// <summary>The file or folder the samples come from.</summary>
    public string Path { get; }

    /// <summary>The model inputs the batches are made for.</summary>
    public IReadOnlyList<ModelInputSpec> Inputs { get; }

    /// <summary>Number of samples (images, array rows, or test-data sets).</summary>
    public abstract int Count { get; }

    /// <summary>Whether batches carry labels (labels.npy beside a .npy file, labels.txt in an image folder).</summary>
    public abstract bool HasLabels { get; }

    /// <summary>
    /// The batch size the data must be read with, or null when any size works: a model whose batch
    /// dimension is fixed (mnist-8 takes [1,1,28,28]) needs exactly that size.
    /// </summary>
    public abstract int? FixedBatchSize { get; }

    /// <summary>One line that says what was found, for logs ("images.npy: 10000 uint8 images 32x32x3 ...").</summary>
    public abstract string Description { get; }

    /// <summary>
    /// Opens the data at <paramref name="path"/> for the model inputs <paramref name="inputs"/>:
    /// <list type="bullet">
    /// <item>a <c>.npy</c> file, uint8 or float32, holding images [N,H,W] (grayscale) or [N,H,W,C], or arrays
    /// already in the input's layout (same rank as the input); a <c>labels.npy</c> (int64 [N]) beside it gives
    /// labels;</item>
    /// <item>a folder of JPEG/PNG images (searched recursively), with an optional <c>labels.txt</c> of
    /// <c>relative/path class</c> lines that then must name every image exactly once, and sets the order;</item>
    /// <item>a folder of ONNX test data: <c>test_data_set_*/input_*.pb</c> (or one such set itself), each set
    /// one run of the model with its tensors as stored; preprocessing does not apply.</item>
    /// </list>
    /// .npy data and images feed a model with one input, whose dimension 0 is the batch axis.
    /// </summary>
    public static SampleSet Open(string path, IReadOnlyList<ModelInputSpec> inputs, PreprocessOptions preprocess)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(preprocess);
        if (inputs is null || inputs.Count == 0)
        {
            throw new ArgumentException("the model has no inputs to feed", nameof(inputs));
        }

        if (File.Exists(path))
        {
            if (!path.EndsWith(".npy", StringComparison.OrdinalIgnoreCase))
            {
                throw new SampleDataException(
                    $"{System.IO.Path.GetFileName(path)}: not sample data (expected a .npy file, a folder of JPEG/PNG images, or ONNX test_data_set_* folders)");
            }

            return NpySampleSet.Create(path, SingleInput(path, inputs), preprocess);
        }

        if (Directory.Exists(path))
        {
            if (TestDataSampleSet.IsTestData(path))
            {
                return TestDataSampleSet.Create(path, inputs, preprocess);
            }

            return ImageFolderSampleSet.Create(path, SingleInput(path, inputs), preprocess);
        }

        throw new SampleDataException($"{path}: no such file or folder");
    }

    /// <summary>
    /// The samples at <paramref name="indices"/> (all of them, in order, when null) in batches of
    /// <paramref name="batchSize"/>; the last batch may be smaller unless <see cref="FixedBatchSize"/> is set.
    /// ONNX test-data sets are runs already: each comes as one batch, whatever the batch size.
    /// </summary>
    public abstract IEnumerable<SampleBatch> Batches(int batchSize, IReadOnlyList<int>? indices = null);

    /// <summary>
    /// <paramref name="sampleCount"/> samples spread evenly over the set (<see cref="SubsetPicker.EvenlySpread"/>),
    /// in batches; this is what --calibration-samples picks.
    /// </summary>
    public IEnumerable<SampleBatch> Batches(int batchSize, int sampleCount) =>
        Batches(batchSize, SubsetPicker.EvenlySpread(Count, sampleCount));

    private protected void CheckIndices(IReadOnlyList<int> indices)
    {
        foreach (int i in indices)
        {
            if (i < 0 || i >= Count)
            {
                throw new ArgumentOutOfRangeException(nameof(indices), i, $"sample index out of range [0, {Count})");
            }
        }
    }

    private static ModelInputSpec SingleInput(string path, IReadOnlyList<ModelInputSpec> inputs)
    {
        if (inputs.Count != 1)
        {
            throw new SampleDataException(
                $"{System.IO.Path.GetFileName(path.TrimEnd('/', '\\'))}: .npy arrays and images feed one input but the model has {inputs.Count} ({string.Join(", ", inputs.Select(i => i.Name))}); use ONNX test-data folders");
        }

        var input = inputs[0];
        if (input.Dims.Length == 0)
        {
            throw new SampleDataException($"input '{input.Name}' is a scalar; .npy arrays and images need a batch axis");
        }

        return input;
    }
}
