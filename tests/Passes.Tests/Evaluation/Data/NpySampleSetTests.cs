// Tests of .npy sample data: grayscale, channels-last and model-layout arrays, labels, batching, and bad data.
using Onnxc.Evaluation.Data;
using Onnxc.TestSupport;

namespace Onnxc.Passes.Tests.Evaluation.Data;

public sealed class NpySampleSetTests
{
    private static readonly ModelInputSpec s_nchw3 = ModelInputSpec.Float32("input", -1, 3, 2, 2);

    [Fact]
    public void GrayscaleImagesBecomeOneChannelNchw()
    {
        using var dir = new TempDir();
        byte[] pixels = Enumerable.Range(0, 2 * 2 * 3).Select(i => (byte)(i * 20)).ToArray();
        NpyWriter.WriteUInt8(dir.File("images.npy"), [2, 2, 3], pixels);
        var set = SampleSet.Open(dir.File("images.npy"), [ModelInputSpec.Float32("x", 1, 1, 2, 3)], PreprocessOptions.Parse("scale=0.5"));
        Assert.Equal(2, set.Count);
        Assert.False(set.HasLabels);
        Assert.Equal(1, set.FixedBatchSize);
        var batches = set.Batches(1).ToList();
        Assert.Equal(2, batches.Count);
        Assert.Equal(new long[] { 1, 1, 2, 3 }, batches[1].Inputs[0].Shape);
        Assert.Equal(pixels.Skip(6).Select(p => p * 0.5f), batches[1].Inputs[0].Data);
        Assert.Null(batches[1].Labels);
    }

    [Fact]
    public void ChannelsLastImagesAreLaidOutNchwWithPerChannelMeanStd()
    {
        using var dir = new TempDir();
        // Two 2x2 RGB images, pixel (y,x) channel c = 100*n + 10*(2y+x) + c.
        byte[] pixels = new byte[2 * 2 * 2 * 3];
        for (int n = 0; n < 2; n++)
        {
            for (int p = 0; p < 4; p++)
            {
                for (int c = 0; c < 3; c++)
                {
                    pixels[(((n * 4) + p) * 3) + c] = (byte)((100 * n) + (10 * p) + c);
                }
            }
        }

        NpyWriter.WriteUInt8(dir.File("images.npy"), [2, 2, 2, 3], pixels);
        var options = PreprocessOptions.Parse("scale=2;mean=1,2,3;std=1,2,4");
        var set = SampleSet.Open(dir.File("images.npy"), [s_nchw3], options);
        Assert.Null(set.FixedBatchSize);
        var batch = Assert.Single(set.Batches(8));
        Assert.Equal(new long[] { 2, 3, 2, 2 }, batch.Inputs[0].Shape);
        float[] mean = [1, 2, 3];
        float[] std = [1, 2, 4];
        for (int n = 0; n < 2; n++)
        {
            for (int c = 0; c < 3; c++)
            {
                for (int p = 0; p < 4; p++)
                {
                    float want = ((2f * ((100 * n) + (10 * p) + c)) - mean[c]) / std[c];
                    Assert.Equal(want, batch.Inputs[0].Data[(((n * 3) + c) * 4) + p]);
                }
            }
        }
    }

    [Fact]
    public void BgrReversesChannelsBeforeMean()
    {
        using var dir = new TempDir();
        NpyWriter.WriteUInt8(dir.File("images.npy"), [1, 1, 1, 3], [10, 20, 30]);
        var set = SampleSet.Open(
            dir.File("images.npy"), [ModelInputSpec.Float32("x", 1, 3, 1, 1)], PreprocessOptions.Parse("channels=bgr;mean=1,2,3"));
        Assert.Equal(new float[] { 29, 18, 7 }, Assert.Single(set.Batches(1)).Inputs[0].Data);
    }

    [Fact]
    public void ArraysInTheModelLayoutPassThrough()
    {
        using var dir = new TempDir();
        float[] values = Enumerable.Range(0, 2 * 3 * 2 * 2).Select(i => i * 0.25f - 1).ToArray();
        NpyWriter.WriteFloat32(dir.File("x.npy"), [2, 3, 2, 2], values);
        var nchw = SampleSet.Open(dir.File("x.npy"), [s_nchw3], PreprocessOptions.None);
        Assert.Equal(values, Assert.Single(nchw.Batches(2)).Inputs[0].Data);

        // The same numbers as a channels-last model's own layout stay as they are too.
        NpyWriter.WriteFloat32(dir.File("y.npy"), [2, 2, 2, 3], values);
        var nhwc = SampleSet.Open(dir.File("y.npy"), [ModelInputSpec.Float32("x", -1, 2, 2, 3)], PreprocessOptions.None);
        var batch = Assert.Single(nhwc.Batches(2));
        Assert.Equal(new long[] { 2, 2, 2, 3 }, batch.Inputs[0].Shape);
        Assert.Equal(values, batch.Inputs[0].Data);
    }

    [Fact]
    public void ModelLayoutImagesStillGetPerChannelMean()
    {
        using var dir = new TempDir();
        NpyWriter.WriteFloat32(dir.File("x.npy"), [1, 3, 1, 2], [1, 1, 1, 1, 1, 1]);
        var set = SampleSet.Open(dir.File("x.npy"), [ModelInputSpec.Float32("x", 1, 3, 1, 2)], PreprocessOptions.Parse("mean=0,1,2"));
        Assert.Equal(new float[] { 1, 1, 0, 0, -1, -1 }, Assert.Single(set.Batches(1)).Inputs[0].Data);
    }

    [Fact]
    public void NonImageArraysTakeScaleAndOneMeanOnly()
    {
        using var dir = new TempDir();
        NpyWriter.WriteFloat32(dir.File("f.npy"), [3, 4], Enumerable.Range(0, 12).Select(i => (float)i).ToArray());
        var input = ModelInputSpec.Float32("features", -1, 4);
        var set = SampleSet.Open(dir.File("f.npy"), [input], PreprocessOptions.Parse("scale=2;mean=1;std=2"));
        var batch = set.Batches(2).ToList();
        Assert.Equal(new long[] { 1, 4 }, batch[1].Inputs[0].Shape);
        Assert.Equal(new float[] { 7.5f, 8.5f, 9.5f, 10.5f }, batch[1].Inputs[0].Data);

        Assert.Contains("need an image input", Assert.Throws<SampleDataException>(
            () => SampleSet.Open(dir.File("f.npy"), [input], PreprocessOptions.Parse("crop=2"))).Message);
        Assert.Contains("take one value", Assert.Throws<SampleDataException>(
            () => SampleSet.Open(dir.File("f.npy"), [input], PreprocessOptions.Parse("mean=1,2"))).Message);
    }

    [Fact]
    public void LabelsComeFromLabelsNpyInBatchOrder()
    {
        using var dir = new TempDir();
        NpyWriter.WriteUInt8(dir.File("images.npy"), [10, 2, 2, 3], new byte[120]);
        NpyWriter.WriteInt64(dir.File("labels.npy"), [10], Enumerable.Range(0, 10).Select(i => (long)(i * 7 % 10)).ToArray());
        var set = SampleSet.Open(dir.File("images.npy"), [s_nchw3], PreprocessOptions.None);
        Assert.True(set.HasLabels);
        var batches = set.Batches(3, sampleCount: 5).ToList();
        Assert.Equal(new[] { 3, 2 }, batches.Select(b => b.Count));
        int[] indices = batches.SelectMany(b => b.Indices).ToArray();
        Assert.Equal(SubsetPicker.EvenlySpread(10, 5), indices);
        Assert.Equal(indices.Select(i => (long)(i * 7 % 10)), batches.SelectMany(b => b.Labels!));
    }

    [Fact]
    public void BatchesStackTheSameSamplesAsSingleReads()
    {
        using var dir = new TempDir();
        var random = new Random(5);
        byte[] pixels = new byte[7 * 2 * 2 * 3];
        random.NextBytes(pixels);
        NpyWriter.WriteUInt8(dir.File("images.npy"), [7, 2, 2, 3], pixels);
        var set = SampleSet.Open(dir.File("images.npy"), [s_nchw3], PreprocessOptions.Parse("scale=0.1"));
        float[] stacked = set.Batches(3).SelectMany(b => b.Inputs[0].Data).ToArray();
        float[] single = set.Batches(1).SelectMany(b => b.Inputs[0].Data).ToArray();
        Assert.Equal(single, stacked);
        Assert.Equal(new[] { 3, 3, 1 }, set.Batches(3).Select(b => b.Count));
        Assert.Equal(new[] { 6, 1 }, set.Batches(3, [6, 1]).SelectMany(b => b.Indices));
    }

    [Fact]
    public void FixedBatchIsEnforced()
    {
        using var dir = new TempDir();
        NpyWriter.WriteUInt8(dir.File("images.npy"), [3, 2, 2, 3], new byte[36]);
        var one = SampleSet.Open(dir.File("images.npy"), [ModelInputSpec.Float32("x", 1, 3, 2, 2)], PreprocessOptions.None);
        Assert.Throws<ArgumentException>(() => one.Batches(4));
        var two = SampleSet.Open(dir.File("images.npy"), [ModelInputSpec.Float32("x", 2, 3, 2, 2)], PreprocessOptions.None);
        Assert.Contains("do not fill batches of 2", Assert.Throws<SampleDataException>(() => two.Batches(2)).Message);
        Assert.Single(two.Batches(2, [0, 2]));
        Assert.Throws<ArgumentOutOfRangeException>(() => two.Batches(2, [0, 3]));
    }

    [Theory]
    [InlineData(new long[] { 2, 2, 2, 4 }, "shape [2,2,2,4] fits neither input 'input' [?,3,2,2] nor images [N,H,W,3]")]
    [InlineData(new long[] { 2, 2, 2 }, "shape [2,2,2] fits neither")]
    [InlineData(new long[] { 2, 3, 2, 5 }, "fits neither")]
    [InlineData(new long[] { 2, 5, 5, 3 }, "images.npy sample 0: is 5x5 after preprocessing but the model input is 2x2")]
    [InlineData(new long[] { 0, 2, 2, 3 }, "holds no samples")]
    public void WrongShapesAreClearErrors(long[] shape, string message)
    {
        using var dir = new TempDir();
        NpyWriter.WriteUInt8(dir.File("images.npy"), shape, new byte[shape.Aggregate(1L, (a, b) => a * b)]);
        var e = Assert.Throws<SampleDataException>(() => SampleSet.Open(dir.File("images.npy"), [s_nchw3], PreprocessOptions.None));
        Assert.StartsWith("images.npy", e.Message);
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void WrongDtypesAreClearErrors()
    {
        using var dir = new TempDir();
        NpyWriter.WriteInt64(dir.File("images.npy"), [1, 12], new long[12]);
        Assert.Contains("int64 data is not supported", Assert.Throws<SampleDataException>(
            () => SampleSet.Open(dir.File("images.npy"), [s_nchw3], PreprocessOptions.None)).Message);
        NpyWriter.Write(dir.File("d.npy"), "<f8", [1, 2, 2, 3], new byte[96]);
        Assert.Contains("'<f8' is not supported", Assert.Throws<SampleDataException>(
            () => SampleSet.Open(dir.File("d.npy"), [s_nchw3], PreprocessOptions.None)).Message);
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    [InlineData(float.NegativeInfinity)]
    public void NonFiniteValuesNameTheSample(float bad)
    {
        using var dir = new TempDir();
        float[] values = new float[3 * 12];
        values[(2 * 12) + 5] = bad;
        NpyWriter.WriteFloat32(dir.File("x.npy"), [3, 2, 2, 3], values);
        var set = SampleSet.Open(dir.File("x.npy"), [s_nchw3], PreprocessOptions.None);
        var e = Assert.Throws<SampleDataException>(() => set.Batches(2).ToList());
        Assert.StartsWith("x.npy sample 2: contains NaN or Inf", e.Message);
    }

    [Fact]
    public void OverflowToInfIsCaught()
    {
        using var dir = new TempDir();
        NpyWriter.WriteFloat32(dir.File("x.npy"), [2, 4], [0, 0, 0, 0, 1, 2, 3e38f, 4]);
        var set = SampleSet.Open(dir.File("x.npy"), [ModelInputSpec.Float32("v", -1, 4)], PreprocessOptions.Parse("scale=10"));
        Assert.Contains("x.npy sample 1: contains NaN or Inf (at element 2)", Assert.Throws<SampleDataException>(() => set.Batches(1).ToList()).Message);
    }

    [Theory]
    [InlineData(new long[] { 9 }, "labels.npy: has 9 labels but images.npy has 10 samples")]
    [InlineData(new long[] { 10, 1 }, "labels.npy: must be int64 [N], got shape [10,1]")]
    public void LabelMismatchesAreClearErrors(long[] labelShape, string message)
    {
        using var dir = new TempDir();
        NpyWriter.WriteUInt8(dir.File("images.npy"), [10, 2, 2, 3], new byte[120]);
        NpyWriter.WriteInt64(dir.File("labels.npy"), labelShape, new long[labelShape.Aggregate(1L, (a, b) => a * b)]);
        Assert.Equal(message, Assert.Throws<SampleDataException>(() => SampleSet.Open(dir.File("images.npy"), [s_nchw3], PreprocessOptions.None)).Message);
    }

    [Fact]
    public void LabelsMustBeNonNegativeInt64()
    {
        using var dir = new TempDir();
        NpyWriter.WriteUInt8(dir.File("images.npy"), [2, 2, 2, 3], new byte[24]);
        NpyWriter.WriteUInt8(dir.File("labels.npy"), [2], [1, 2]);
        Assert.Equal("labels.npy: labels must be int64, got UInt8", Assert.Throws<SampleDataException>(
            () => SampleSet.Open(dir.File("images.npy"), [s_nchw3], PreprocessOptions.None)).Message);
        NpyWriter.WriteInt64(dir.File("labels.npy"), [2], [1, -4]);
        Assert.Equal("labels.npy: label 1 is negative (-4)", Assert.Throws<SampleDataException>(
            () => SampleSet.Open(dir.File("images.npy"), [s_nchw3], PreprocessOptions.None)).Message);
    }

    [Theory]
    [InlineData("mean=1,2", "mean has 2 values but the model input has 3 channels")]
    [InlineData("std=1,2,3,4", "std has 4 values but the model input has 3 channels")]
    [InlineData("crop=3", "images.npy sample 0: is 2x2, smaller than crop=3")]
    public void PreprocessThatDoesNotFitTheDataIsAClearError(string preprocess, string message)
    {
        using var dir = new TempDir();
        NpyWriter.WriteUInt8(dir.File("images.npy"), [1, 2, 2, 3], new byte[12]);
        Assert.Contains(message, Assert.Throws<SampleDataException>(
            () => SampleSet.Open(dir.File("images.npy"), [s_nchw3], PreprocessOptions.Parse(preprocess))).Message);
    }

    [Fact]
    public void BgrNeedsThreeChannels()
    {
        using var dir = new TempDir();
        NpyWriter.WriteUInt8(dir.File("images.npy"), [1, 2, 2], new byte[4]);
        Assert.Contains("channels=bgr needs 3-channel images", Assert.Throws<SampleDataException>(
            () => SampleSet.Open(dir.File("images.npy"), [ModelInputSpec.Float32("x", 1, 1, 2, 2)], PreprocessOptions.Parse("channels=bgr"))).Message);
    }

    [Fact]
    public void NpyFeedsOneInputOnly()
    {
        using var dir = new TempDir();
        NpyWriter.WriteUInt8(dir.File("images.npy"), [1, 2, 2, 3], new byte[12]);
        var e = Assert.Throws<SampleDataException>(() => SampleSet.Open(
            dir.File("images.npy"), [s_nchw3, ModelInputSpec.Float32("mask", -1, 4)], PreprocessOptions.None));
        Assert.Contains("the model has 2 (input, mask)", e.Message);
    }

    [Fact]
    public void MissingOrUnknownPathsAreClearErrors()
    {
        using var dir = new TempDir();
        Assert.EndsWith("nothing.npy: no such file or folder", Assert.Throws<SampleDataException>(
            () => SampleSet.Open(dir.File("nothing.npy"), [s_nchw3], PreprocessOptions.None)).Message);
        File.WriteAllText(dir.File("data.csv"), "1,2,3");
        Assert.StartsWith("data.csv: not sample data", Assert.Throws<SampleDataException>(
            () => SampleSet.Open(dir.File("data.csv"), [s_nchw3], PreprocessOptions.None)).Message);
    }
}
