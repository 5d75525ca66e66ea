// What the lowering produced: the plan, the PTX for the target, and a summary of what stayed float.
using System.Globalization;
using System.Text;
using Onnxc.Kernels.Runtime;

namespace Onnxc.Passes.Lowering;

public sealed record LoweringResult(
    ExecutionPlan Plan,
    IReadOnlyList<string> Int8Nodes,
    IReadOnlyList<FloatFallback> FloatNodes,
    IReadOnlyDictionary<string, string> Ptx,
    long MemoryLimitBytes)
{
    /// <summary>The summary printed by the compiler: memory plan, INT8 coverage and every float fallback.</summary>
    public string Summary()
    {
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture,
            $"lowered for {Plan.Target}: {Int8Nodes.Count} ONNX nodes in INT8 kernels, {FloatNodes.Count} as float kernels; {Plan.Steps.Count} kernel steps");
        string limit = MemoryLimitBytes > 0 ? $", limit {ExecutionPlan.FormatBytes(MemoryLimitBytes)}" : string.Empty;
        sb.AppendLine(CultureInfo.InvariantCulture,
            $"peak device memory {ExecutionPlan.FormatBytes(Plan.PeakDeviceBytes)}: activations {ExecutionPlan.FormatBytes(Plan.ArenaBytes)} (reused by liveness; {ExecutionPlan.FormatBytes(Plan.UnsharedActivationBytes)} without reuse) + constants {ExecutionPlan.FormatBytes(Plan.ConstantBytes)}{limit}");
        if (Ptx.Count > 0)
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"PTX: {Ptx.Count} kernels ({Ptx.Sum(p => p.Value.Length)} characters) embedded");
        }

        foreach (var f in FloatNodes)
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"  float: {f}");
        }

        return sb.ToString();
    }
}
