// Stores a plan and its PTX inside an ONNX model's metadata_props, where ONNX Runtime ignores them.
using System.IO.Compression;
using System.Text;
using Onnxc.GraphIR;
using Onnxc.GraphIR.Onnx;

namespace Onnxc.Kernels.Runtime;

/// <summary>
/// The compiled artifact travels inside the emitted .onnx: <c>metadata_props</c> entries are free-form
/// strings that ONNX Runtime loads and never interprets, so the model still runs unchanged there while our
/// runtime finds its plan in the same file. Entries:
/// <list type="bullet">
/// <item><c>onnxc.target</c>: the target name.</item>
/// <item><c>onnxc.plan</c>: base64 of the Brotli-compressed <see cref="PlanSerializer"/> bytes.</item>
/// <item><c>onnxc.ptx.&lt;kernel&gt;</c>: base64 of the Brotli-compressed PTX module of each kernel the plan
/// launches, generated at compile time without a GPU (CUDA targets only).</item>
/// </list>
/// </summary>
public static class PlanArtifact
{
    public const string TargetKey = "onnxc.target";
    public const string PlanKey = "onnxc.plan";
    public const string PtxKeyPrefix = "onnxc.ptx.";

    /// <summary>Replaces any earlier onnxc entries of <paramref name="model"/> with this plan and PTX.</summary>
    public static void Embed(Model model, ExecutionPlan plan, IReadOnlyDictionary<string, string>? ptxByKernel)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(plan);
        var entries = model.Metadata.Where(kv => !kv.Key.StartsWith("onnxc.", StringComparison.Ordinal)).ToList();
        entries.Add(new(TargetKey, plan.Target));
        entries.Add(new(PlanKey, Pack(PlanSerializer.ToBytes(plan))));
        if (ptxByKernel is not null)
        {
            foreach (var (kernel, ptx) in ptxByKernel.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            {
                entries.Add(new(PtxKeyPrefix + kernel, Pack(Encoding.UTF8.GetBytes(ptx))));
            }
        }

        model.Metadata = [.. entries];
    }

    /// <summary>The plan stored in <paramref name="model"/>; throws when it has none.</summary>
    public static ExecutionPlan ReadPlan(Model model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var entry = model.Metadata.FirstOrDefault(kv => kv.Key == PlanKey);
        if (entry.Key is null)
        {
            throw new InvalidDataException("the model carries no onnxc plan: compile it with onnxc --target first");
        }

        return PlanSerializer.FromBytes(Unpack(entry.Value, "plan"));
    }

    /// <summary>The plan stored in the .onnx file at <paramref name="path"/>.</summary>
    public static ExecutionPlan ReadPlan(string path) => ReadPlan(OnnxImporter.Load(path));

    /// <summary>The PTX modules stored in <paramref name="model"/>, by kernel name (empty when none).</summary>
    public static IReadOnlyDictionary<string, string> ReadPtx(Model model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return model.Metadata
            .Where(kv => kv.Key.StartsWith(PtxKeyPrefix, StringComparison.Ordinal))
            .ToDictionary(kv => kv.Key[PtxKeyPrefix.Length..], kv => Encoding.UTF8.GetString(Unpack(kv.Value, kv.Key)), StringComparer.Ordinal);
    }

    private static string Pack(byte[] data)
    {
        using var output = new MemoryStream();
        using (var brotli = new BrotliStream(output, CompressionLevel.Optimal, leaveOpen: true))
        {
            brotli.Write(data);
        }

        return Convert.ToBase64String(output.ToArray());
    }

    private static byte[] Unpack(string text, string what)
    {
        try
        {
            using var input = new MemoryStream(Convert.FromBase64String(text));
            using var brotli = new BrotliStream(input, CompressionMode.Decompress);
            using var output = new MemoryStream();
            brotli.CopyTo(output);
            return output.ToArray();
        }
        catch (Exception e) when (e is FormatException or InvalidDataException or IOException)
        {
            throw new InvalidDataException($"the model's onnxc {what} entry is damaged: {e.Message}", e);
        }
    }
}
