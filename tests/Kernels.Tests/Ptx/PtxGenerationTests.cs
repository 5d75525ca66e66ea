// Every registered kernel compiles to sm_86 PTX offline, with the expected instructions on each path.
using Onnxc.Kernels.Ptx;
using Onnxc.Kernels.Registry;
using Onnxc.Kernels.Targets;

namespace Onnxc.Kernels.Tests.Ptx;

public class PtxGenerationTests
{
    private const string Dp4a = "dp4a.s32.s32";
    private const string Mma = "mma.sync.aligned.m16n8k32.row.col.s32.s8.s8.s32";

    public static TheoryData<string> Kernels()
    {
        var data = new TheoryData<string>();
        foreach (var entry in KernelRegistry.DistinctKernels())
        {
            data.Add(entry.Name);
        }

        return data;
    }

    [Fact]
    public void TheSameKernelGivesTheSameTextWhateverWasCompiledBefore()
    {
        // ILGPU's node ids are process-wide: without canonical names the second compile reads _input_25895, not _input_8160.
        var entry = KernelRegistry.DistinctKernels().First(e => e.Path == KernelPath.Portable);
        string first, second;
        using (var generator = PtxGenerator.ForTarget(TargetRegistry.Rtx2050))
        {
            first = generator.Generate(entry);
            generator.Generate(KernelRegistry.DistinctKernels()[^1]);
        }

        using (var generator = PtxGenerator.ForTarget(TargetRegistry.Rtx2050))
        {
            second = generator.Generate(entry);
        }

        Assert.Equal(first, second);
        Assert.Matches(@"\.param .* _[A-Za-z]+_0\[", first);
    }

    [Fact]
    public void CanonicalNamesAreNumberedInOrderOfFirstAppearance()
    {
        const string ptx = ".param .b8 _input_8160[16],\n.param .b8 _a_8195[20]\nld.param.b64 %rd10, [_input_8160+8];\nL_79470:\n@%p3 bra L_794714;\nbra L_79470;";

        Assert.Equal(
            ".param .b8 _input_0[16],\n.param .b8 _a_1[20]\nld.param.b64 %rd10, [_input_0+8];\nL_2:\n@%p3 bra L_3;\nbra L_2;",
            PtxNames.Canonical(ptx));
    }

    [Theory]
    [MemberData(nameof(Kernels))]
    public void EmitsPtxForRtx2050WithTheExpectedInstructions(string kernelName)
    {
        var entry = KernelRegistry.DistinctKernels().Single(e => e.Name == kernelName);
        using var generator = PtxGenerator.ForTarget(TargetRegistry.Rtx2050);
        string ptx = generator.Generate(entry);

        Assert.Contains(".version 7.1", ptx, StringComparison.Ordinal);
        Assert.Matches(@"\.target sm_8[0-6]", ptx);
        Assert.Contains(".entry", ptx, StringComparison.Ordinal);
        switch (entry.Path)
        {
            case KernelPath.Dp4a:
                // 2 x 2 outputs per thread: four dp4a per shared word (the K loop is not unrolled).
                Assert.Equal(4, Count(ptx, Dp4a));
                Assert.DoesNotContain("mma.sync", ptx, StringComparison.Ordinal);
                break;
            case KernelPath.TensorCore:
                // Two m16n8k32 per 32-byte K step: the warp's 16 x 16 sub-tile is two n8 halves.
                Assert.Equal(2, Count(ptx, Mma));
                Assert.DoesNotContain("dp4a", ptx, StringComparison.Ordinal);
                break;
            default:
                Assert.DoesNotContain("dp4a", ptx, StringComparison.Ordinal);
                Assert.DoesNotContain("mma.sync", ptx, StringComparison.Ordinal);
                break;
        }

        if (entry.Grouping == KernelGrouping.Tiled)
        {
            Assert.Contains(".shared", ptx, StringComparison.Ordinal);
            Assert.Contains("bar.sync", ptx, StringComparison.Ordinal);
        }
        else
        {
            Assert.DoesNotContain("bar.sync", ptx, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void QuantizeUsesIeeeDivisionLikeOnnxRuntime()
    {
        var entry = KernelRegistry.Find(new KernelKey(KernelOp.QuantizeLinear, ElementType.Float32, ElementType.UInt8)).Single();
        using var generator = PtxGenerator.ForTarget(TargetRegistry.Rtx2050);
        string ptx = generator.Generate(entry);
        Assert.Contains("div.rn.f32", ptx, StringComparison.Ordinal);
        Assert.DoesNotContain("div.approx", ptx, StringComparison.Ordinal);
    }

    private static int Count(string text, string value)
    {
        int count = 0;
        for (int i = text.IndexOf(value, StringComparison.Ordinal); i >= 0; i = text.IndexOf(value, i + 1, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }

    [Fact]
    public void CpuTargetHasNoPtx() =>
        Assert.Throws<ArgumentException>(() => PtxGenerator.ForTarget(TargetRegistry.Cpu));
}
