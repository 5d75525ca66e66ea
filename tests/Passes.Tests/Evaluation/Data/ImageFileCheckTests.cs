// Tests of the JPEG/PNG structure check that keeps truncated or damaged files away from the decoder.
using Onnxc.Evaluation.Data;
using Onnxc.TestSupport;

namespace Onnxc.Passes.Tests.Evaluation.Data;

public sealed class ImageFileCheckTests
{
    [Fact]
    public void MinimalJpegLayoutsPass()
    {
        // SOI, APP0 (length 4), SOS (length 3) with entropy bytes holding a stuffed FF00 and a restart marker, EOI.
        byte[] jpeg = [0xFF, 0xD8, 0xFF, 0xE0, 0, 4, 1, 2, 0xFF, 0xDA, 0, 3, 9, 5, 0xFF, 0x00, 6, 0xFF, 0xD0, 7, 0xFF, 0xD9];
        Assert.Null(ImageFileCheck.Problem(jpeg));
    }

    [Theory]
    [InlineData(new byte[] { 0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3, 4, 5 }, "runs past the end")]
    [InlineData(new byte[] { 0xFF, 0xD8, 0xFF, 0xE0, 0, 4, 1, 2 }, "no end-of-image marker")]
    [InlineData(new byte[] { 0xFF, 0xD8, 0xFF, 0xDA, 0, 3, 9, 5, 6, 7 }, "image data ends without an end-of-image marker")]
    [InlineData(new byte[] { 0xFF, 0xD8, 0x12, 0x34 }, "bad JPEG marker at byte 2")]
    [InlineData(new byte[] { 0xFF, 0xD8, 0xFF, 0xE0, 0 }, "segment header cut off")]
    [InlineData(new byte[] { 0x47, 0x49, 0x46, 0x38 }, "not a JPEG or PNG file")]
    [InlineData(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52 }, "no IEND chunk")]
    [InlineData(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 1, 0, 0x49, 0x44, 0x41, 0x54, 0, 0, 0, 0 }, "runs past the end")]
    public void DamagedLayoutsAreNamed(byte[] file, string why) =>
        Assert.Contains(why, ImageFileCheck.Problem(file));

    [Fact]
    public void PngsFromTheTestWriterPassAndTruncatedOnesDoNot()
    {
        using var dir = new TempDir();
        PngWriter.Write(dir.File("a.png"), new byte[5 * 4 * 3], 5, 4, 3);
        byte[] png = File.ReadAllBytes(dir.File("a.png"));
        Assert.Null(ImageFileCheck.Problem(png));
        Assert.NotNull(ImageFileCheck.Problem(png.AsSpan(0, png.Length - 1)));
    }

    [SharedFact]
    public void EverySharedImageNetJpegPassesAndTruncationIsCaught()
    {
        string[] files = Directory.GetFiles(SharedData.Data("imagenet_sample1000_r256", "images"), "*.JPEG");
        Assert.Equal(1000, files.Length);
        Assert.All(files, f => Assert.Null(ImageFileCheck.Problem(File.ReadAllBytes(f))));

        // stb_image would decode these halves without complaint.
        byte[] jpeg = File.ReadAllBytes(files[0]);
        Assert.Contains("truncated JPEG", ImageFileCheck.Problem(jpeg.AsSpan(0, jpeg.Length / 2)));
        Assert.Contains("truncated JPEG", ImageFileCheck.Problem(jpeg.AsSpan(0, 300)));
    }
}
