// Small shape helpers shared by the sample readers: formatting for messages and element counts.
namespace Onnxc.Evaluation.Data;

internal static class SampleShapes
{
    public static string Format(IReadOnlyList<long> dims) =>
        "[" + string.Join(",", dims.Select(d => d < 0 ? "?" : d.ToString(System.Globalization.CultureInfo.InvariantCulture))) + "]";

    public static long ElementCount(IReadOnlyList<long> dims)
    {
        long n = 1;
        foreach (long d in dims)
        {
            n = checked(n * d);
        }

        return n;
    }

    /// <summary>True when <paramref name="actual"/> has the rank of <paramref name="model"/> and equals every fixed dimension.</summary>
    public static bool Fits(IReadOnlyList<long> actual, IReadOnlyList<long> model)
    {
        if (actual.Count != model.Count)
        {
            return false;
        }

        for (int i = 0; i < model.Count; i++)
        {
            if (model[i] >= 0 && model[i] != actual[i])
            {
                return false;
            }
        }

        return true;
    }
}
