// Liveness-based arena allocation: dead tensors' bytes are reused, live tensors never overlap.
using Onnxc.Kernels.Runtime;
using Onnxc.Kernels.Runtime.Steps;

namespace Onnxc.Kernels.Tests.Runtime;

public class MemoryPlannerTests
{
    private static PlanTensor Float(int id, int elements) => new(id, "t" + id, PlanElementType.Float32, [elements], PlanLayout.Logical, null);

    private static StridedCopyStep Copy(int from, int to, int elements) =>
        new("copy", "copy", [from], to, [Kernels.Runtime.Float.StridedCopyArgs.Create([elements], [0], [1], [elements], [1], [1], 0)], 0, false);

    [Fact]
    public void ChainReusesDeadTensorsAndNeverOverlapsLiveOnes()
    {
        // t0 -> t1 -> t2 -> t3 -> t4, plus t0 read again at the end (a long-lived skip connection).
        int[] sizes = [1000, 3000, 2000, 3000, 500];
        var tensors = sizes.Select((s, i) => Float(i, s)).ToList();
        var steps = new List<PlanStep> { Copy(0, 1, 1000), Copy(1, 2, 2000), Copy(2, 3, 2000), Copy(3, 4, 500), Copy(0, 4, 500) };
        long arena = MemoryPlanner.Assign(tensors, steps, [0], [4]);

        Assert.True(arena < tensors.Sum(t => t.ByteSize), $"arena {arena} does not reuse anything");
        var (first, last) = MemoryPlanner.LiveRanges(tensors.Count, steps, [0], [4]);
        for (int a = 0; a < tensors.Count; a++)
        {
            Assert.Equal(0, tensors[a].Offset % MemoryPlanner.Alignment);
            Assert.True(tensors[a].Offset + tensors[a].ByteSize <= arena);
            for (int b = a + 1; b < tensors.Count; b++)
            {
                bool live = first[a] <= last[b] && first[b] <= last[a];
                bool overlap = tensors[a].Offset < tensors[b].Offset + tensors[b].ByteSize && tensors[b].Offset < tensors[a].Offset + tensors[a].ByteSize;
                Assert.False(live && overlap, $"t{a} and t{b} are live together but share bytes");
            }
        }

        // t1 (dead after step 1) and t3 (born at step 2) are the same size: t3 can take t1's slot.
        Assert.Equal(tensors[1].Offset, tensors[3].Offset);
    }

    [Fact]
    public void InputsLiveFromTheStartAndOutputsToTheEnd()
    {
        var tensors = new List<PlanTensor> { Float(0, 100), Float(1, 100), Float(2, 100) };
        var steps = new List<PlanStep> { Copy(0, 1, 100), Copy(1, 2, 100) };
        var (first, last) = MemoryPlanner.LiveRanges(3, steps, [0], [1, 2]);
        Assert.Equal(-1, first[0]);
        Assert.Equal(steps.Count, last[1]);
        Assert.Equal(steps.Count, last[2]);
        MemoryPlanner.Assign(tensors, steps, [0], [1, 2]);
        Assert.NotEqual(tensors[1].Offset, tensors[2].Offset);
    }
}
