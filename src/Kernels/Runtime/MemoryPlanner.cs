// Assigns every plan tensor an offset in one device arena, reusing memory of tensors that are dead.
namespace Onnxc.Kernels.Runtime;

/// <summary>
/// Liveness-based arena allocation. A tensor is live from the step that first writes it (step -1 for plan
/// inputs) to the last step that reads it (<c>Steps.Count</c> for plan outputs, which are read after the
/// last step). Two tensors may share bytes only when their live ranges do not overlap. Placement is the
/// greedy "largest first, lowest fitting offset" heuristic: sort by size, and put each tensor at the
/// lowest aligned offset that does not collide with an already placed tensor whose range overlaps.
/// The result is never larger than the sum of all sizes and equals the best possible when live ranges
/// form a chain.
/// </summary>
public static class MemoryPlanner
{
    /// <summary>Offsets are multiples of this (CUDA's allocation granularity for coalesced access).</summary>
    public const int Alignment = 256;

    /// <summary>Sets <see cref="PlanTensor.Offset"/> of every tensor and returns the arena size.</summary>
    public static long Assign(IReadOnlyList<PlanTensor> tensors, IReadOnlyList<PlanStep> steps, IReadOnlyCollection<int> inputs, IReadOnlyCollection<int> outputs)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        ArgumentNullException.ThrowIfNull(steps);
        var (first, last) = LiveRanges(tensors.Count, steps, inputs, outputs);
        var order = Enumerable.Range(0, tensors.Count)
            .Where(i => first[i] <= last[i])
            .OrderByDescending(i => tensors[i].ByteSize)
            .ThenBy(i => i)
            .ToList();
        var placed = new List<int>();
        long arena = 0;
        foreach (int id in order)
        {
            long size = Align(tensors[id].ByteSize);
            var conflicts = placed
                .Where(p => first[p] <= last[id] && first[id] <= last[p])
                .Select(p => (Start: tensors[p].Offset, End: tensors[p].Offset + Align(tensors[p].ByteSize)))
                .OrderBy(r => r.Start)
                .ToList();
            long offset = 0;
            foreach (var (start, end) in conflicts)
            {
                if (offset + size <= start)
                {
                    break;
                }

                offset = Math.Max(offset, end);
            }

            tensors[id].Offset = offset;
            arena = Math.Max(arena, offset + size);
            placed.Add(id);
        }

        // Tensors nobody writes or reads (none in a lowered plan) still get a valid slot.
        foreach (var t in tensors.Where(t => t.Offset < 0))
        {
            t.Offset = 0;
        }

        return Math.Max(arena, Alignment);
    }

    /// <summary>First writing step and last reading step of each tensor (see the type comment).</summary>
    public static (int[] First, int[] Last) LiveRanges(int tensorCount, IReadOnlyList<PlanStep> steps, IReadOnlyCollection<int> inputs, IReadOnlyCollection<int> outputs)
    {
        ArgumentNullException.ThrowIfNull(steps);
        var first = Enumerable.Repeat(int.MaxValue, tensorCount).ToArray();
        var last = Enumerable.Repeat(int.MinValue, tensorCount).ToArray();
        foreach (int id in inputs)
        {
            first[id] = -1;
            last[id] = Math.Max(last[id], -1);
        }

        for (int s = 0; s < steps.Count; s++)
        {
            foreach (int id in steps[s].Outputs)
            {
                first[id] = Math.Min(first[id], s);
                last[id] = Math.Max(last[id], s);
            }

            foreach (int id in steps[s].Inputs)
            {
                first[id] = Math.Min(first[id], s);
                last[id] = Math.Max(last[id], s);
            }
        }

        foreach (int id in outputs)
        {
            last[id] = steps.Count;
        }

        return (first, last);
    }

    private static long Align(long bytes) => Math.Max(Alignment, (bytes + Alignment - 1) / Alignment * Alignment);
}
