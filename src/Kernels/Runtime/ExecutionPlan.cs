// A lowered model: its tensors with arena slots, the kernel steps in order, inputs, outputs and memory use.
using System.Globalization;
using System.Text;

namespace Onnxc.Kernels.Runtime;

/// <summary>
/// What the runtime executes: <see cref="Steps"/> in order over <see cref="Tensors"/> (index = id). Every
/// activation lives in one device arena of <see cref="ArenaBytes"/> at the offset the
/// <see cref="MemoryPlanner"/> chose; step constants (packed weights, folded bias, requantization tables)
/// take <see cref="ConstantBytes"/> more. Inputs and outputs are float32 tensors in logical (ONNX) order.
/// </summary>
public sealed class ExecutionPlan
{
    /// <summary>Version of the serialized form; bumped whenever a step's fields change.</summary>
    public const int FormatVersion = 1;

    public ExecutionPlan(string target, IReadOnlyList<PlanTensor> tensors, IReadOnlyList<PlanStep> steps, int[] inputs, int[] outputs, long arenaBytes)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(tensors);
        ArgumentNullException.ThrowIfNull(steps);
        for (int i = 0; i < tensors.Count; i++)
        {
            if (tensors[i].Id != i)
            {
                throw new ArgumentException($"tensor {tensors[i].Name} has id {tensors[i].Id} at index {i}");
            }

            if (tensors[i].Offset < 0 || tensors[i].Offset + tensors[i].ByteSize > arenaBytes)
            {
                throw new ArgumentException($"tensor {tensors[i].Name} lies outside the {arenaBytes}-byte arena");
            }
        }

        foreach (int id in inputs.Concat(outputs))
        {
            if (id < 0 || id >= tensors.Count || tensors[id].ElementType != PlanElementType.Float32 || tensors[id].Layout != PlanLayout.Logical)
            {
                throw new ArgumentException($"plan inputs and outputs must be float32 tensors in logical order (tensor {id})");
            }
        }

        foreach (var step in steps)
        {
            foreach (int id in step.Inputs.Concat(step.Outputs))
            {
                if (id < 0 || id >= tensors.Count)
                {
                    throw new ArgumentException($"step {step.Kernel} [{step.Source}] refers to unknown tensor {id}");
                }
            }
        }

        Target = target;
        Tensors = tensors;
        Steps = steps;
        Inputs = inputs;
        Outputs = outputs;
        ArenaBytes = arenaBytes;
        ConstantBytes = steps.Sum(s => s is IHasConstants c ? c.ConstantBytes : 0);
    }

    /// <summary>Name of the target the plan was compiled for (<see cref="Targets.TargetRegistry"/>).</summary>
    public string Target { get; }

    public IReadOnlyList<PlanTensor> Tensors { get; }

    public IReadOnlyList<PlanStep> Steps { get; }

    public int[] Inputs { get; }

    public int[] Outputs { get; }

    /// <summary>Size of the activation arena (all intermediate tensors, reused by liveness).</summary>
    public long ArenaBytes { get; }

    /// <summary>Device bytes of the steps' constants.</summary>
    public long ConstantBytes { get; }

    /// <summary>Peak device memory the plan needs: arena plus constants.</summary>
    public long PeakDeviceBytes => ArenaBytes + ConstantBytes;

    /// <summary>Sum of all activation sizes: what the arena would take without reuse.</summary>
    public long UnsharedActivationBytes => Tensors.Sum(t => t.ByteSize);

    /// <summary>A human-readable listing: memory, then one line per step, INT8 or float.</summary>
    public string Describe()
    {
        var sb = new StringBuilder();
        int int8 = Steps.Count(s => s.IsInt8);
        sb.AppendLine(CultureInfo.InvariantCulture,
            $"plan for {Target}: {Steps.Count} steps ({int8} int8, {Steps.Count - int8} float), {Tensors.Count} tensors");
        sb.AppendLine(CultureInfo.InvariantCulture,
            $"peak device memory {FormatBytes(PeakDeviceBytes)} = arena {FormatBytes(ArenaBytes)} (unshared {FormatBytes(UnsharedActivationBytes)}) + constants {FormatBytes(ConstantBytes)}");
        foreach (var step in Steps)
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"  {step}");
        }

        return sb.ToString();
    }

    public static string FormatBytes(long bytes) => bytes switch
    {
        >= 1L << 30 => string.Format(CultureInfo.InvariantCulture, "{0:0.00} GiB ({1} B)", bytes / (double)(1L << 30), bytes),
        >= 1L << 20 => string.Format(CultureInfo.InvariantCulture, "{0:0.00} MiB ({1} B)", bytes / (double)(1L << 20), bytes),
        >= 1L << 10 => string.Format(CultureInfo.InvariantCulture, "{0:0.0} KiB ({1} B)", bytes / 1024.0, bytes),
        _ => string.Format(CultureInfo.InvariantCulture, "{0} B", bytes),
    };
}
