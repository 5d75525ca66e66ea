// Histograms of the calibrated tensors, from which any observer's table can be made without re-running the model.
using System.Collections.Immutable;

namespace Onnxc.Passes.Calibration;

/// <summary>What the collector observed: one <see cref="TensorHistogram"/> per tensor, and the sample count.</summary>
public sealed class CalibrationStatistics(IReadOnlyDictionary<string, TensorHistogram> histograms, int sampleCount)
{
    public IReadOnlyDictionary<string, TensorHistogram> Histograms { get; } = histograms;

    public int SampleCount { get; } = sampleCount;

    /// <summary>The table <paramref name="method"/> chooses from these histograms.</summary>
    public CalibrationTable ToTable(CalibrationMethod method, double percentile = RangeObservers.DefaultPercentile)
    {
        var ranges = ImmutableArray.CreateBuilder<KeyValuePair<string, TensorRange>>();
        foreach ((string name, TensorHistogram h) in Histograms)
        {
            ranges.Add(new(name, RangeObservers.Choose(h, method, percentile)));
        }

        return new CalibrationTable(method, percentile, SampleCount, ranges);
    }

    public CalibrationTable ToTable(CalibrationOptions options) => ToTable(options.Method, options.Percentile);
}
