// Tests of image-folder sample data: PNG decoding, labels.txt, order, grayscale, and every bad-folder case.
using Onnxc.Evaluation.Data;
using Onnxc.TestSupport;

namespace Onnxc.Passes.Tests.Evaluation.Data;

public sealed class ImageFolderSampleSetTests
{
    private static readonly ModelInputSpec s_rgb = ModelInputSpec.Float32("image", -1, 3, 2, 2);

    [Fact]
    public void PngPixelsReachTheModelExactlyInLabelsTxtOrder()
    {
        using var dir = new TempDir();
        Directory.CreateDirectory(dir.File("cats"));
        byte[] a = Pixels(seed: 1);
        byte[] b = Pixels(seed: 2);
        PngWriter.Write(dir.File("cats/a.png"), a, 2, 2, 3);
        PngWriter.Write(dir.File("b.PNG"), b, 2, 2, 3);
        File.WriteAllLines(dir.File("labels.txt"), ["b.PNG 7", "", "./cats/a.png\t3"]);

        var set = SampleSet.Open(dir.Path, [s_rgb], PreprocessOptions.Parse("channels=bgr;scale=0.5;mean=1"));
        Assert.Equal(2, set.Count);
        Assert.True(set.HasLabels);
        var batch = Assert.Single(set.Batches(4));
        Assert.Equal(new long[] { 7, 3 }, batch.Labels);
        Assert.Equal(new long[] { 2, 3, 2, 2 }, batch.Inputs[0].Shape);
        Assert.Equal(Nchw(b, bgr: true).Concat(Nchw(a, bgr: true)).Select(v => (v * 0.5f) - 1), batch.Inputs[0].Data);
    }

    [Fact]
    public void WithoutLabelsTheOrderIsTheSortedRelativePaths()
    {
        using var dir = new TempDir();
        Directory.CreateDirectory(dir.File("z"));
        PngWriter.Write(dir.File("z/1.png"), Pixels(3), 2, 2, 3);
        PngWriter.Write(dir.File("b.png"), Pixels(4), 2, 2, 3);
        PngWriter.Write(dir.File("a.png"), Pixels(5), 2, 2, 3);
        File.WriteAllText(dir.File("notes.md"), "not an image");
        var set = SampleSet.Open(dir.Path, [s_rgb], PreprocessOptions.None);
        Assert.False(set.HasLabels);
        var batches = set.Batches(1).ToList();
        Assert.Null(batches[0].Labels);
        Assert.Equal(Nchw(Pixels(5), bgr: false), batches[0].Inputs[0].Data);
        Assert.Equal(Nchw(Pixels(4), bgr: false), batches[1].Inputs[0].Data);
        Assert.Equal(Nchw(Pixels(3), bgr: false), batches[2].Inputs[0].Data);
    }

    [Fact]
    public void OneChannelInputsGetGrayscaleImages()
    {
        using var dir = new TempDir();
        PngWriter.Write(dir.File("g.png"), [0, 50, 100, 255], 2, 2, 1);

        // R = G = B, so stb's (77R + 150G + 29B) >> 8 gives the value back.
        PngWriter.Write(dir.File("rgb.png"), [9, 9, 9, 60, 60, 60, 120, 120, 120, 200, 200, 200], 2, 2, 3);
        var set = SampleSet.Open(dir.Path, [ModelInputSpec.Float32("x", 1, 1, 2, 2)], PreprocessOptions.None);
        var batches = set.Batches(1).ToList();
        Assert.Equal(new float[] { 0, 50, 100, 255 }, batches[0].Inputs[0].Data);
        Assert.Equal(new float[] { 9, 60, 120, 200 }, batches[1].Inputs[0].Data);
    }

    [Fact]
    public void ResizeAndCropMakeUnequalImagesOneShape()
    {
        using var dir = new TempDir();
        PngWriter.Write(dir.File("wide.png"), new byte[4 * 8 * 3], 4, 8, 3);
        PngWriter.Write(dir.File("tall.png"), new byte[6 * 3 * 3], 6, 3, 3);
        var input = ModelInputSpec.Float32("x", -1, 3, -1, -1);
        var set = SampleSet.Open(dir.Path, [input], PreprocessOptions.Parse("resize=2;crop=2"));
        Assert.Equal(new long[] { 2, 3, 2, 2 }, Assert.Single(set.Batches(2)).Inputs[0].Shape);

        var unequal = SampleSet.Open(dir.Path, [input], PreprocessOptions.None);
        var e = Assert.Throws<SampleDataException>(() => unequal.Batches(2).ToList());
        Assert.Contains("wide.png: is [3,4,8] after preprocessing but", e.Message);
        Assert.Contains("tall.png in the same batch is [3,6,3]", e.Message);
    }

    [Fact]
    public void EmptyFolderIsAClearError()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("labels.txt"), "");
        Assert.EndsWith(": no JPEG or PNG images in the folder", Assert.Throws<SampleDataException>(
            () => SampleSet.Open(dir.Path, [s_rgb], PreprocessOptions.None)).Message);
    }

    [Fact]
    public void CorruptImagesNameTheFile()
    {
        using var dir = new TempDir();
        PngWriter.Write(dir.File("a.png"), Pixels(1), 2, 2, 3);
        File.WriteAllBytes(dir.File("b.jpg"), [0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3, 4, 5]);

        // Opening decodes only the first image; the corrupt second one fails when its batch is read.
        var set = SampleSet.Open(dir.Path, [s_rgb], PreprocessOptions.None);
        var e = Assert.Throws<SampleDataException>(() => set.Batches(1).ToList());
        Assert.StartsWith(Path.Combine(dir.Path, "b.jpg") + ": cannot be decoded as JPEG/PNG", e.Message);
        Assert.DoesNotContain('\n', e.Message);

        File.WriteAllBytes(dir.File("0.png"), [1, 2, 3]);
        Assert.StartsWith(Path.Combine(dir.Path, "0.png") + ": cannot be decoded", Assert.Throws<SampleDataException>(
            () => SampleSet.Open(dir.Path, [s_rgb], PreprocessOptions.None)).Message);
    }

    [Theory]
    [InlineData(new[] { "a.png 1" }, "labels.txt: has 1 labels but the folder has 2 images (b.png has none)")]
    [InlineData(new[] { "a.png 1", "b.png 2", "c.png 3" }, "labels.txt line 3: c.png is not a JPEG/PNG image in the folder")]
    [InlineData(new[] { "a.png 1", "a.png 2" }, "labels.txt line 2: a.png is listed twice (first on line 1)")]
    [InlineData(new[] { "a.png 1", "b.png cat" }, "labels.txt line 2: class 'cat' is not a non-negative integer")]
    [InlineData(new[] { "a.png 1", "b.png -2" }, "labels.txt line 2: class '-2' is not a non-negative integer")]
    [InlineData(new[] { "a.png" }, "labels.txt line 1: expected 'relative/path class', got 'a.png'")]
    public void LabelProblemsAreClearErrors(string[] lines, string message)
    {
        using var dir = new TempDir();
        PngWriter.Write(dir.File("a.png"), Pixels(1), 2, 2, 3);
        PngWriter.Write(dir.File("b.png"), Pixels(2), 2, 2, 3);
        File.WriteAllLines(dir.File("labels.txt"), lines);
        Assert.Equal(message, Assert.Throws<SampleDataException>(() => SampleSet.Open(dir.Path, [s_rgb], PreprocessOptions.None)).Message);
    }

    [Fact]
    public void PathsWithSpacesKeepTheirSpaces()
    {
        using var dir = new TempDir();
        PngWriter.Write(dir.File("my cat.png"), Pixels(1), 2, 2, 3);
        File.WriteAllLines(dir.File("labels.txt"), ["my cat.png 4"]);
        Assert.Equal(new long[] { 4 }, Assert.Single(SampleSet.Open(dir.Path, [s_rgb], PreprocessOptions.None).Batches(1)).Labels);
    }

    [Fact]
    public void ImagesOfTheWrongSizeOrForANonImageInputAreClearErrors()
    {
        using var dir = new TempDir();
        PngWriter.Write(dir.File("a.png"), new byte[3 * 3 * 3], 3, 3, 3);
        Assert.Contains("a.png: is 3x3 after preprocessing but the model input is 2x2", Assert.Throws<SampleDataException>(
            () => SampleSet.Open(dir.Path, [s_rgb], PreprocessOptions.None)).Message);
        Assert.Contains("images need an image input", Assert.Throws<SampleDataException>(
            () => SampleSet.Open(dir.Path, [ModelInputSpec.Float32("v", -1, 27)], PreprocessOptions.None)).Message);
    }

    private static byte[] Pixels(int seed)
    {
        var bytes = new byte[12];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    private static IEnumerable<float> Nchw(byte[] hwc, bool bgr)
    {
        for (int c = 0; c < 3; c++)
        {
            for (int p = 0; p < 4; p++)
            {
                yield return hwc[(p * 3) + (bgr ? 2 - c : c)];
            }
        }
    }
}
