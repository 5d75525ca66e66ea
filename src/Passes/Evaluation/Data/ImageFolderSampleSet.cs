// Samples from a folder of JPEG/PNG images, decoded one at a time with StbImageSharp, labels from labels.txt.
using System.Globalization;
using StbImageSharp;

namespace Onnxc.Evaluation.Data;

/// <summary>
/// Every .jpg/.jpeg/.png under the folder (recursively) is a sample. Without labels.txt the order is the
/// ordinal order of the relative paths ('/'-separated). With labels.txt (lines <c>relative/path class</c>,
/// the class a non-negative integer after the last space) the file's order is the sample order, and it must
/// name each image exactly once. Images decode to RGB, or to one channel for a one-channel input (stb_image's
/// conversion: the JPEG luma plane; (77R + 150G + 29B) >> 8 for PNG). Only the images of the batch being read
/// are decoded, each after <see cref="ImageFileCheck"/> has checked its file structure (stb_image accepts a
/// truncated JPEG silently and hangs on some damaged headers). stb_image's JPEG decoder is not libjpeg: pixels
/// can differ from libjpeg(-turbo)'s by a few levels.
/// </summary>
internal sealed class ImageFolderSampleSet : ItemSampleSet
{
    private const string LabelsFile = "labels.txt";

    private readonly string[] _files;
    private readonly ImagePipeline _pipeline;

    private ImageFolderSampleSet(string path, ModelInputSpec input, string[] files, long[]? labels, ImagePipeline pipeline)
        : base(path, input, labels)
    {
        _files = files;
        _pipeline = pipeline;
    }

    public override int Count => _files.Length;

    public override string Description =>
        $"{Path}: {Count} images for input '{Input.Name}' {Input.DimsText}" + (HasLabels ? ", labels from labels.txt" : "");

    /// <summary>The images' paths relative to the folder, in sample order.</summary>
    public IReadOnlyList<string> Files => _files;

    public static ImageFolderSampleSet Create(string path, ModelInputSpec input, PreprocessOptions preprocess)
    {
        var layout = ImageLayout.FromModel(input.Dims);
        if (layout is null)
        {
            throw new SampleDataException(
                $"{path}: images need an image input ([N,C,H,W], [N,H,W,C] with C 1 or 3, or [N,H,W]), but '{input.Name}' is {input.DimsText}");
        }

        var pipeline = new ImagePipeline(preprocess, layout, path);
        string root = System.IO.Path.GetFullPath(path);
        var images = Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .Where(IsImage)
            .Select(f => System.IO.Path.GetRelativePath(root, f).Replace('\\', '/'))
            .Order(StringComparer.Ordinal)
            .ToArray();
        if (images.Length == 0)
        {
            throw new SampleDataException($"{path}: no JPEG or PNG images in the folder");
        }

        string[] files = images;
        long[]? labels = null;
        string labelsPath = System.IO.Path.Combine(root, LabelsFile);
        if (File.Exists(labelsPath))
        {
            (files, labels) = ReadLabels(labelsPath, images);
        }

        var set = new ImageFolderSampleSet(path, input, files, labels, pipeline);

        // Decode and preprocess the first image now, so a size or channel mismatch fails at open time.
        using (var reader = set.OpenReader())
        {
            reader.Read(0, out _, out _);
        }

        return set;
    }

    private protected override IItemReader OpenReader() => new Reader(this);

    private static bool IsImage(string file)
    {
        string ext = System.IO.Path.GetExtension(file);
        return ext.Equals(".jpg", StringComparison.OrdinalIgnoreCase)
            || ext.Equals(".jpeg", StringComparison.OrdinalIgnoreCase)
            || ext.Equals(".png", StringComparison.OrdinalIgnoreCase);
    }

    private static (string[] Files, long[] Labels) ReadLabels(string labelsPath, string[] images)
    {
        var present = new HashSet<string>(images, StringComparer.Ordinal);
        var listed = new Dictionary<string, int>(StringComparer.Ordinal);
        var files = new List<string>();
        var labels = new List<long>();
        int lineNumber = 0;
        foreach (string rawLine in File.ReadLines(labelsPath))
        {
            lineNumber++;
            string line = rawLine.Trim();
            if (line.Length == 0)
            {
                continue;
            }

            int split = line.LastIndexOfAny([' ', '\t']);
            if (split <= 0)
            {
                throw new SampleDataException($"{LabelsFile} line {lineNumber}: expected 'relative/path class', got '{line}'");
            }

            string file = line[..split].Trim().Replace('\\', '/');
            if (file.StartsWith("./", StringComparison.Ordinal))
            {
                file = file[2..];
            }

            string classText = line[(split + 1)..];
            if (!long.TryParse(classText, NumberStyles.None, CultureInfo.InvariantCulture, out long label))
            {
                throw new SampleDataException($"{LabelsFile} line {lineNumber}: class '{classText}' is not a non-negative integer");
            }

            if (!present.Contains(file))
            {
                throw new SampleDataException($"{LabelsFile} line {lineNumber}: {file} is not a JPEG/PNG image in the folder");
            }

            if (!listed.TryAdd(file, lineNumber))
            {
                throw new SampleDataException($"{LabelsFile} line {lineNumber}: {file} is listed twice (first on line {listed[file]})");
            }

            files.Add(file);
            labels.Add(label);
        }

        if (files.Count != images.Length)
        {
            string missing = images.First(i => !listed.ContainsKey(i));
            throw new SampleDataException(
                $"{LabelsFile}: has {files.Count} labels but the folder has {images.Length} images ({missing} has none)");
        }

        return ([.. files], [.. labels]);
    }

    private sealed class Reader(ImageFolderSampleSet set) : IItemReader
    {
        public float[] Read(int index, out long[] itemShape, out string source)
        {
            string relative = set._files[index];
            source = System.IO.Path.Combine(set.Path, relative);
            int channels = set._pipeline.Layout.Channels;
            ImageResult decoded;
            try
            {
                byte[] bytes = File.ReadAllBytes(source);
                if (ImageFileCheck.Problem(bytes) is string problem)
                {
                    throw new SampleDataException($"{source}: cannot be decoded as JPEG/PNG ({problem})");
                }

                decoded = ImageResult.FromMemory(bytes, channels == 1 ? ColorComponents.Grey : ColorComponents.RedGreenBlue);
            }
            catch (Exception e) when (e is not SampleDataException)
            {
                throw new SampleDataException($"{source}: cannot be decoded as JPEG/PNG ({e.Message})", e);
            }

            if (decoded?.Data is null || decoded.Width <= 0 || decoded.Height <= 0)
            {
                throw new SampleDataException($"{source}: cannot be decoded as JPEG/PNG");
            }

            var image = HwcImage.FromBytes(decoded.Data, decoded.Height, decoded.Width, channels);
            return set._pipeline.Run(image, source, out itemShape);
        }

        public void Dispose()
        {
        }
    }
}
