// Tests of the --preprocess parser: every part, any order, canonical text, and a clear error for each bad form.
using Onnxc.Evaluation.Data;

namespace Onnxc.Passes.Tests.Evaluation.Data;

public sealed class PreprocessOptionsTests
{
    [Fact]
    public void ParsesEveryPart()
    {
        var p = PreprocessOptions.Parse("scale=0.00392156862745098;mean=0.485,0.456,0.406;std=0.229,0.224,0.225;channels=bgr;resize=256;crop=224");
        Assert.Equal(0.00392156862745098, p.Scale);
        Assert.Equal(new[] { 0.485f, 0.456f, 0.406f }, p.Mean);
        Assert.Equal(new[] { 0.229f, 0.224f, 0.225f }, p.Std);
        Assert.Equal(ChannelOrder.Bgr, p.Channels);
        Assert.Equal(256, p.Resize);
        Assert.Equal(224, p.Crop);
        Assert.True(p.NeedsImageLayout);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    [InlineData(";;")]
    public void EmptyTextIsNone(string? text)
    {
        var p = PreprocessOptions.Parse(text);
        Assert.Equal(PreprocessOptions.None, p);
        Assert.Equal(1.0, p.Scale);
        Assert.Empty(p.Mean);
        Assert.False(p.NeedsImageLayout);
    }

    [Fact]
    public void OrderCaseAndSpacesDoNotMatter()
    {
        var a = PreprocessOptions.Parse("channels=bgr;crop=224;mean=104,117,123");
        var b = PreprocessOptions.Parse(" MEAN = 104, 117 ,123 ; crop=224 ;Channels=BGR; ");
        Assert.Equal(a, b);
        Assert.NotEqual(a, PreprocessOptions.Parse("channels=bgr;crop=224;mean=104,117,124"));
    }

    [Fact]
    public void CanonicalTextParsesBack()
    {
        var p = PreprocessOptions.Parse("std=0.229,0.224,0.225;scale=0.5;resize=256;mean=1;crop=224;channels=bgr");
        Assert.Equal("resize=256;crop=224;channels=bgr;scale=0.5;mean=1;std=0.229,0.224,0.225", p.ToString());
        Assert.Equal(p, PreprocessOptions.Parse(p.ToString()));
    }

    [Theory]
    [InlineData("scale", "not key=value")]
    [InlineData("=3", "not key=value")]
    [InlineData("size=3", "unknown key 'size'")]
    [InlineData("scale=1;scale=2", "given twice")]
    [InlineData("scale=abc", "not a finite number")]
    [InlineData("scale=inf", "not a finite number")]
    [InlineData("scale=NaN", "not a finite number")]
    [InlineData("scale=0", "must not be 0")]
    [InlineData("mean=1,,2", "not a finite number")]
    [InlineData("mean=1e40", "not a finite number")]
    [InlineData("std=0", "must be positive")]
    [InlineData("std=0.2,-1,0.2", "must be positive")]
    [InlineData("channels=grb", "rgb or bgr")]
    [InlineData("resize=0", "positive integer")]
    [InlineData("resize=1.5", "positive integer")]
    [InlineData("crop=-3", "positive integer")]
    [InlineData("crop=224x224", "positive integer")]
    public void BadTextIsAClearError(string text, string why)
    {
        var e = Assert.Throws<SampleDataException>(() => PreprocessOptions.Parse(text));
        Assert.StartsWith($"--preprocess \"{text}\": ", e.Message);
        Assert.Contains(why, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }
}
