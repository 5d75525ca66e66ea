// Renumbers the ids ILGPU puts in PTX parameter and label names, so the same kernel always gives the same text.
using System.Text.RegularExpressions;

namespace Onnxc.Kernels.Ptx;

/// <summary>
/// ILGPU names a kernel's parameters <c>_input_8160</c> and its labels <c>L_79470</c> after IR node ids that a
/// process-wide counter hands out, so a kernel compiled second in a process reads <c>_input_25895</c>. Renaming each
/// distinct name to its order of first appearance (<c>_input_0</c>, <c>L_0</c>) is a bijection on those names, and no
/// other PTX token has their form, so the program is unchanged.
/// </summary>
public static partial class PtxNames
{
    [GeneratedRegex(@"\b(?:_[A-Za-z][A-Za-z0-9]*_|L_)[0-9]+\b")]
    private static partial Regex NumberedName();

    public static string Canonical(string ptx)
    {
        ArgumentNullException.ThrowIfNull(ptx);
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        return NumberedName().Replace(ptx, m =>
        {
            if (!names.TryGetValue(m.Value, out string? renamed))
            {
                string prefix = m.Value[..(m.Value.LastIndexOf('_') + 1)];
                renamed = prefix + names.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
                names.Add(m.Value, renamed);
            }

            return renamed;
        });
    }
}
