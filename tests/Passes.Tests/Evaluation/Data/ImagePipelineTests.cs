// Tests of the image preprocessing steps: bilinear short-side resize, centre crop offsets, layouts.
using Onnxc.Evaluation.Data;

namespace Onnxc.Passes.Tests.Evaluation.Data;

public sealed class ImagePipelineTests
{
    [Fact]
    public void UpscaleUsesHalfPixelCentresClampedAtTheEdges()
    {
        // One row [0, 10] to width 4: sources -0.25 (clamped to 0), 0.25, 0.75, 1.25 (right tap clamped).
        var image = new HwcImage([0, 10, 0, 10], Height: 2, Width: 2, Channels: 1);
        var resized = ImagePipeline.ResizeShortSide(image, 4);
        Assert.Equal((4, 4), (resized.Height, resized.Width));
        Assert.Equal(new float[] { 0, 2.5f, 7.5f, 10 }, resized.Pixels.Take(4));
        Assert.Equal(resized.Pixels.Take(4), resized.Pixels.Skip(12));
    }

    [Fact]
    public void DownscaleBy2AveragesNeighbourPairs()
    {
        // Width 4 -> 2: sources 0.5 and 2.5, i.e. the means of pixels (0,1) and (2,3); no antialias filter.
        var image = new HwcImage([0, 4, 8, 16, 0, 4, 8, 16, 0, 4, 8, 16, 0, 4, 8, 16], 4, 4, 1);
        var resized = ImagePipeline.ResizeShortSide(image, 2);
        Assert.Equal(new float[] { 2, 12, 2, 12 }, resized.Pixels);
    }

    [Theory]
    [InlineData(100, 50, 25, 50, 25)]
    [InlineData(50, 100, 25, 25, 50)]
    [InlineData(300, 400, 256, 256, 341)]
    [InlineData(256, 256, 256, 256, 256)]
    public void ShortSideGetsNLongSideKeepsTheRatio(int height, int width, int n, int outHeight, int outWidth)
    {
        var image = new HwcImage(new float[height * width * 3], height, width, 3);
        var resized = ImagePipeline.ResizeShortSide(image, n);
        Assert.Equal((outHeight, outWidth), (resized.Height, resized.Width));
        if (height == outHeight && width == outWidth)
        {
            Assert.Same(image, resized);
        }
    }

    [Fact]
    public void ResizeKeepsChannelsApart()
    {
        // A 1x2 image whose channels are constant 1, 2, 3: any resize keeps them exactly.
        var image = new HwcImage([1, 2, 3, 1, 2, 3], 1, 2, 3);
        var resized = ImagePipeline.ResizeShortSide(image, 3);
        Assert.Equal((3, 6), (resized.Height, resized.Width));
        Assert.All(Enumerable.Range(0, 18), i => Assert.Equal((i % 3) + 1, resized.Pixels[i]));
    }

    [Theory]
    [InlineData(6, 6, 3, 1, 1)]
    [InlineData(7, 6, 3, 2, 1)]
    [InlineData(256, 256, 224, 16, 16)]
    public void CentreCropStartsAtTheFloorOfHalfTheMargin(int height, int width, int crop, int top, int left)
    {
        // Pixel value = its linear index, so the output says where the crop came from.
        var image = new HwcImage(Enumerable.Range(0, height * width).Select(i => (float)i).ToArray(), height, width, 1);
        var pipeline = new ImagePipeline(PreprocessOptions.Parse($"crop={crop}"), new ImageLayout(ChannelAxis.First, 1, crop, crop), "t");
        float[] output = pipeline.Run(image, "t", out long[] shape);
        Assert.Equal(new long[] { 1, crop, crop }, shape);
        Assert.Equal((top * width) + left, output[0]);
        Assert.Equal(((top + crop - 1) * width) + left + crop - 1, output[^1]);
    }

    [Fact]
    public void ResizeThenCropThenLayout()
    {
        // 4x8 RGB -> resize=2 -> 2x4 -> crop=2 at column 1 -> NHWC.
        var pixels = new float[4 * 8 * 3];
        for (int i = 0; i < pixels.Length; i++)
        {
            pixels[i] = (i / 3 % 8) * 10 + (i % 3);
        }

        var pipeline = new ImagePipeline(PreprocessOptions.Parse("crop=2;resize=2"), new ImageLayout(ChannelAxis.Last, 3, 2, 2), "t");
        float[] output = pipeline.Run(new HwcImage(pixels, 4, 8, 3), "t", out long[] shape);
        Assert.Equal(new long[] { 2, 2, 3 }, shape);

        // Columns after resize are means of source columns (2k, 2k+1): 5, 25, 45, 65; the crop keeps 25 and 45.
        Assert.Equal(new float[] { 25, 26, 27, 45, 46, 47, 25, 26, 27, 45, 46, 47 }, output);
    }

    [Fact]
    public void ImageWithTheWrongChannelCountIsAClearError()
    {
        var pipeline = new ImagePipeline(PreprocessOptions.None, new ImageLayout(ChannelAxis.First, 3, 1, 1), "t");
        var e = Assert.Throws<SampleDataException>(() => pipeline.Run(new HwcImage([1], 1, 1, 1), "a.png", out _));
        Assert.Equal("a.png: has 1 channels, the model takes 3", e.Message);
    }

    [Theory]
    [InlineData(new long[] { -1, 3, 224, 224 }, "First", 3)]
    [InlineData(new long[] { 1, 1, 28, 28 }, "First", 1)]
    [InlineData(new long[] { -1, 3, 3, 3 }, "First", 3)]
    [InlineData(new long[] { -1, 32, 32, 3 }, "Last", 3)]
    [InlineData(new long[] { -1, 28, 28 }, "None", 1)]
    public void LayoutIsReadFromTheInputDims(long[] dims, string axis, int channels)
    {
        var layout = ImageLayout.FromModel(dims);
        Assert.NotNull(layout);
        Assert.Equal((axis, channels), (layout.Axis.ToString(), layout.Channels));
    }

    [Theory]
    [InlineData(new long[] { -1, 10 })]
    [InlineData(new long[] { -1, 5, 7, 9 })]
    [InlineData(new long[] { -1, 1, 2, 3, 4 })]
    public void NonImageInputsHaveNoLayout(long[] dims) => Assert.Null(ImageLayout.FromModel(dims));
}
