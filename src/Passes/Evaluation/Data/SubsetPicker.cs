// Picks a deterministic, evenly spread subset of sample indices (data sets are often sorted by class).
namespace Onnxc.Evaluation.Data;

/// <summary>
/// Chooses which samples calibration (or a quick evaluation) uses. Data sets are often sorted by class
/// (CIFAR-10 here holds 1000 airplanes first), so the first N would see one class only; instead sample
/// i of k is the middle of the i-th of k equal strides: index(i) = floor((2i + 1) * total / (2k)).
/// The result is strictly increasing, has no repeats, and is the same on every run.
/// </summary>
public static class SubsetPicker
{
    /// <summary>The default of --calibration-samples.</summary>
    public const int DefaultCalibrationSamples = 256;

    /// <summary>
    /// <paramref name="count"/> indices in [0, <paramref name="total"/>) spread evenly; all of them, in order, when
    /// count is at least total.
    /// </summary>
    public static int[] EvenlySpread(int total, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(total);
        if (count <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, "the number of samples must be positive");
        }

        if (count >= total)
        {
            return Enumerable.Range(0, total).ToArray();
        }

        var picked = new int[count];
        for (int i = 0; i < count; i++)
        {
            // total >= count, so consecutive picks differ by at least floor(total / count) >= 1.
            picked[i] = (int)(((2L * i) + 1) * total / (2L * count));
        }

        return picked;
    }
}
