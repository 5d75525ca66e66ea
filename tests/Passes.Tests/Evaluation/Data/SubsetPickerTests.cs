// Tests of the calibration subset picker: deterministic, distinct, evenly spread over class-sorted data.
using Onnxc.Evaluation.Data;

namespace Onnxc.Passes.Tests.Evaluation.Data;

public sealed class SubsetPickerTests
{
    [Fact]
    public void PicksAreDistinctIncreasingAndInRange()
    {
        int[] picks = SubsetPicker.EvenlySpread(10000, 256);
        Assert.Equal(256, picks.Length);
        Assert.True(picks.Zip(picks.Skip(1)).All(p => p.First < p.Second));
        Assert.InRange(picks[0], 0, 39);
        Assert.InRange(picks[^1], 9961, 9999);
        Assert.Equal(picks, SubsetPicker.EvenlySpread(10000, 256));
    }

    [Fact]
    public void ClassSortedDataGetsEveryClassEqually()
    {
        // CIFAR-10 here: 1000 samples per class in a row.
        var perClass = SubsetPicker.EvenlySpread(10000, 256).GroupBy(i => i / 1000).Select(g => g.Count()).ToArray();
        Assert.Equal(10, perClass.Length);
        Assert.All(perClass, n => Assert.InRange(n, 25, 26));
    }

    [Theory]
    [InlineData(7, 7)]
    [InlineData(7, 100)]
    public void AskingForAllOrMoreGivesAll(int total, int count) =>
        Assert.Equal(Enumerable.Range(0, total), SubsetPicker.EvenlySpread(total, count));

    [Fact]
    public void NearlyAllStillDistinct()
    {
        int[] picks = SubsetPicker.EvenlySpread(10, 9);
        Assert.Equal(9, picks.Distinct().Count());
        Assert.Equal(new[] { 0, 1, 2, 3, 5, 6, 7, 8, 9 }, picks);
    }

    [Fact]
    public void ZeroSamplesIsAnError() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => SubsetPicker.EvenlySpread(10, 0));
}
