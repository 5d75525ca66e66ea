// Samples from a .npy array (uint8 or float32), with labels from labels.npy beside it.
using System.Buffers.Binary;
using Microsoft.Win32.SafeHandles;

namespace Onnxc.Evaluation.Data;

/// <summary>
/// Row i of a .npy array is sample i. How a row becomes model input depends on the array's shape against the
/// input's dimensions D (dimension 0 is the batch):
/// <list type="bullet">
/// <item>same rank as D and every fixed dimension equal: already in the model's layout; when the input is
/// image-like (see <see cref="ImageLayout"/>) the full preprocessing still runs on it, otherwise only scale and a
/// single mean/std do;</item>
/// <item>[N,H,W] for a one-channel image input: grayscale images;</item>
/// <item>[N,H,W,C] with C the input's channels: channels-last images, laid out as the input wants.</item>
/// </list>
/// Rows are read from the file on demand, one at a time, so memory does not grow with N.
/// </summary>
internal sealed class NpySampleSet : ItemSampleSet
{
    private readonly NpyArray _array;
    private readonly NpyLayout _layout;
    private readonly ImagePipeline? _pipeline;
    private readonly PreprocessOptions _preprocess;

    private NpySampleSet(NpyArray array, ModelInputSpec input, long[]? labels, NpyLayout layout, ImagePipeline? pipeline, PreprocessOptions preprocess)
        : base(array.Path, input, labels)
    {
        _array = array;
        _layout = layout;
        _pipeline = pipeline;
        _preprocess = preprocess;
    }

    private enum NpyLayout
    {
        ModelLayout,
        Grayscale,
        ChannelsLast,
    }

    public override int Count => checked((int)_array.Shape[0]);

    public override string Description =>
        $"{_array.FileName}: {Count} {_array.DataType} samples {SampleShapes.Format(_array.Shape[1..])} ({_layout}) for input '{Input.Name}' {Input.DimsText}"
        + (HasLabels ? ", labels from labels.npy" : "");

    public static NpySampleSet Create(string path, ModelInputSpec input, PreprocessOptions preprocess)
    {
        var array = NpyArray.Open(path);
        string name = array.FileName;
        if (array.DataType == NpyDataType.Int64)
        {
            throw new SampleDataException($"{name}: int64 data is not supported (uint8 or float32; labels belong in labels.npy)");
        }

        if (array.Shape.Length == 0 || array.Shape[0] == 0)
        {
            throw new SampleDataException($"{name}: holds no samples (shape {SampleShapes.Format(array.Shape)})");
        }

        if (array.Shape[0] > int.MaxValue)
        {
            throw new SampleDataException($"{name}: {array.Shape[0]} samples are too many");
        }

        long[] labels = ReadLabels(path, array.Shape[0]) ?? [];
        var imageLayout = ImageLayout.FromModel(input.Dims);
        NpyLayout layout = ResolveLayout(array, input, imageLayout);
        ImagePipeline? pipeline = null;
        if (imageLayout is not null)
        {
            pipeline = new ImagePipeline(preprocess, imageLayout, name);
        }
        else
        {
            if (preprocess.NeedsImageLayout)
            {
                throw new SampleDataException(
                    $"{name}: --preprocess resize/crop/channels need an image input, but '{input.Name}' is {input.DimsText}");
            }

            if (preprocess.Mean.Count > 1 || preprocess.Std.Count > 1)
            {
                throw new SampleDataException(
                    $"{name}: --preprocess mean/std take one value for input '{input.Name}' {input.DimsText}, which has no channel axis");
            }
        }

        var set = new NpySampleSet(array, input, labels.Length == 0 ? null : labels, layout, pipeline, preprocess);

        // Preprocess row 0 now, so a size mismatch (say, 32x32 images for a 224x224 input) fails at open time.
        using (var reader = set.OpenReader())
        {
            reader.Read(0, out _, out _);
        }

        return set;
    }

    private protected override IItemReader OpenReader() => new Reader(this);

    private static long[]? ReadLabels(string path, long count)
    {
        string dir = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!;
        string labelsPath = System.IO.Path.Combine(dir, "labels.npy");
        if (!File.Exists(labelsPath) || System.IO.Path.GetFullPath(path) == labelsPath)
        {
            return null;
        }

        var labelsArray = NpyArray.Open(labelsPath);
        if (labelsArray.Shape.Length != 1)
        {
            throw new SampleDataException($"labels.npy: must be int64 [N], got shape {SampleShapes.Format(labelsArray.Shape)}");
        }

        if (labelsArray.Shape[0] != count)
        {
            throw new SampleDataException(
                $"labels.npy: has {labelsArray.Shape[0]} labels but {System.IO.Path.GetFileName(path)} has {count} samples");
        }

        long[] labels = labelsArray.ReadAllInt64();
        int negative = Array.FindIndex(labels, l => l < 0);
        if (negative >= 0)
        {
            throw new SampleDataException($"labels.npy: label {negative} is negative ({labels[negative]})");
        }

        return labels;
    }

    private static NpyLayout ResolveLayout(NpyArray array, ModelInputSpec input, ImageLayout? image)
    {
        long[] shape = array.Shape;
        if (shape.Length == input.Dims.Length && SampleShapes.Fits(shape[1..], input.Dims[1..]))
        {
            return NpyLayout.ModelLayout;
        }

        if (image is not null && shape.Length == 3 && image.Channels == 1)
        {
            return NpyLayout.Grayscale;
        }

        if (image is not null && shape.Length == 4 && shape[3] == image.Channels)
        {
            return NpyLayout.ChannelsLast;
        }

        string images = image is null
            ? ""
            : image.Channels == 1 ? " nor grayscale images [N,H,W] or [N,H,W,1]" : $" nor images [N,H,W,{image.Channels}]";
        throw new SampleDataException(
            $"{array.FileName}: shape {SampleShapes.Format(shape)} fits neither input '{input.Name}' {input.DimsText}{images}");
    }

    private sealed class Reader : IItemReader
    {
        private readonly NpySampleSet _set;
        private readonly SafeFileHandle _handle;
        private readonly byte[] _buffer;
        private readonly long[] _rowShape;
        private readonly long _rowElements;

        public Reader(NpySampleSet set)
        {
            _set = set;
            _handle = set._array.OpenHandle();
            _rowShape = set._array.Shape[1..];
            _rowElements = SampleShapes.ElementCount(_rowShape);
            _buffer = new byte[checked((int)(_rowElements * set._array.ElementSize))];
        }

        public float[] Read(int index, out long[] itemShape, out string source)
        {
            var array = _set._array;
            source = $"{array.FileName} sample {index}";
            array.Read(_handle, index * _rowElements, _buffer);
            var row = new float[_rowElements];
            if (array.DataType == NpyDataType.UInt8)
            {
                for (int i = 0; i < row.Length; i++)
                {
                    row[i] = _buffer[i];
                }
            }
            else
            {
                for (int i = 0; i < row.Length; i++)
                {
                    row[i] = BinaryPrimitives.ReadSingleLittleEndian(_buffer.AsSpan(i * 4, 4));
                }
            }

            if (_set._pipeline is not { } pipeline)
            {
                itemShape = _rowShape;
                return ScaleOnly(row, source);
            }

            var image = _set._layout switch
            {
                NpyLayout.ModelLayout => pipeline.Layout.ToHwc(row, _rowShape),
                NpyLayout.Grayscale => new HwcImage(row, (int)_rowShape[0], (int)_rowShape[1], 1),
                _ => new HwcImage(row, (int)_rowShape[0], (int)_rowShape[1], (int)_rowShape[2]),
            };
            return pipeline.Run(image, source, out itemShape);
        }

        public void Dispose() => _handle.Dispose();

        private float[] ScaleOnly(float[] row, string source)
        {
            var options = _set._preprocess;
            float mean = options.Mean.Count == 1 ? options.Mean[0] : 0f;
            float std = options.Std.Count == 1 ? options.Std[0] : 1f;
            for (int i = 0; i < row.Length; i++)
            {
                float v = ((float)(row[i] * options.Scale) - mean) / std;
                if (!float.IsFinite(v))
                {
                    throw new SampleDataException($"{source}: contains NaN or Inf (at element {i})");
                }

                row[i] = v;
            }

            return row;
        }
    }
}
