// Prints a ModelSummary as aligned text for people.
using System.Globalization;
using Onnxc.GraphIR;
using Onnxc.GraphIR.Analysis;

namespace Onnxc.Driver.Inspection;

internal static class SummaryTextWriter
{
    private static readonly CultureInfo s_invariant = CultureInfo.InvariantCulture;

    public static void Write(ModelSummary s, TextWriter o)
    {
        o.WriteLine($"file:         {s.FilePath} ({Bytes(s.FileBytes)})");
        foreach (ModelSummary.ExternalFile f in s.ExternalDataFiles)
        {
            o.WriteLine($"external:     {f.Location} ({Bytes(f.Bytes)}, {f.Tensors} tensors)");
        }

        o.WriteLine($"ir version:   {s.IrVersion}");
        o.WriteLine($"opsets:       {(s.Opsets.Count == 0 ? "(none)" : string.Join(", ", s.Opsets))}");
        o.WriteLine($"producer:     {Producer(s)}");

        WriteValues(o, "inputs", s.Inputs);
        WriteValues(o, "outputs", s.Outputs);

        o.WriteLine($"nodes:        {s.NodeCount}");
        int opWidth = s.Ops.Count == 0 ? 0 : s.Ops.Max(c => c.Op.Length);
        foreach (ModelSummary.OpCount c in s.Ops)
        {
            o.WriteLine($"  {c.Op.PadRight(opWidth)}  {c.Count,6}");
        }

        string sparse = s.SparseInitializerCount == 0 ? string.Empty : $", {s.SparseInitializerCount} of them stored sparse";
        o.WriteLine($"initializers: {s.InitializerCount} tensors{sparse}, {Count(s.ParameterCount)} parameters, {Bytes(s.InitializerBytes)}{(s.SparseInitializerCount == 0 ? string.Empty : " dense")}");
        int typeWidth = s.ByElementType.Count == 0 ? 0 : s.ByElementType.Max(t => t.ElementType.OnnxName().Length);
        foreach (ModelSummary.ElementTypeTotals t in s.ByElementType)
        {
            o.WriteLine(
                $"  {t.ElementType.OnnxName().PadRight(typeWidth)}  {t.Tensors,6} tensors  {Count(t.Parameters),15} parameters  {Bytes(t.Bytes)}");
        }

        if (s.ZeroFloatParameters > 0)
        {
            o.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"zero weights: {Count(s.ZeroFloatParameters)} of {Count(s.FloatParameters)} float parameters ({100.0 * s.ZeroFloatParameters / s.FloatParameters:F2}%)"));
        }

        WriteMacs(o, s.Macs);
    }

    private static void WriteMacs(TextWriter o, MacCount m)
    {
        string uncounted = m.Unknown.Count == 0 ? string.Empty : $"; {m.Unknown.Count} nodes of unknown shape not counted";
        o.WriteLine($"MACs:         {Count(m.Total)} at batch 1 ({Flops(2 * m.Total)} FLOPs){uncounted}");
        int width = m.PerOpType.Count == 0 ? 0 : m.PerOpType.Keys.Max(k => k.Length);
        foreach ((string op, long macs) in m.PerOpType.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal))
        {
            o.WriteLine($"  {op.PadRight(width)}  {Count(macs),15}  {(100.0 * macs / m.Total).ToString("0.0", s_invariant),5}%");
        }
    }

    /// <summary>A FLOP count with a decimal prefix (M, G), as FLOPs are usually quoted.</summary>
    private static string Flops(long n) => n switch
    {
        >= 1_000_000_000 => (n / 1e9).ToString("0.00", s_invariant) + " G",
        >= 1_000_000 => (n / 1e6).ToString("0.00", s_invariant) + " M",
        >= 1_000 => (n / 1e3).ToString("0.00", s_invariant) + " k",
        _ => n.ToString(s_invariant),
    };

    private static void WriteValues(TextWriter o, string title, IReadOnlyList<ValueSummary> values)
    {
        o.WriteLine($"{(title + ":").PadRight(14)}{values.Count}");
        int width = values.Count == 0 ? 0 : values.Max(v => v.Name.Length);
        foreach (ValueSummary v in values)
        {
            o.WriteLine($"  {v.Name.PadRight(width)}  {v.Type}");
        }
    }

    private static string Producer(ModelSummary s) => (s.ProducerName, s.ProducerVersion) switch
    {
        (null or "", null or "") => "(not recorded)",
        (var name, null or "") => name!,
        (null or "", var version) => "? " + version,
        (var name, var version) => $"{name} {version}",
    };

    private static string Count(long n) => n.ToString("N0", s_invariant);

    /// <summary>Exact bytes, and a binary-prefixed size once that reads easier.</summary>
    private static string Bytes(long n)
    {
        string exact = $"{n.ToString("N0", s_invariant)} bytes";
        string[] units = ["KiB", "MiB", "GiB", "TiB"];
        double size = n;
        int unit = -1;
        while (size >= 1024 && unit < units.Length - 1)
        {
            size /= 1024;
            unit++;
        }

        return unit < 0 ? exact : $"{exact}, {size.ToString("0.0", s_invariant)} {units[unit]}";
    }
}
