// The compiled artifact (plan + PTX in metadata_props) keeps the model runnable in ORT and loads in our runtime.
using Onnxc.GraphIR;
using Onnxc.GraphIR.Onnx;
using Onnxc.Kernels.Runtime;
using Onnxc.Kernels.Targets;
using Onnxc.Passes.Lowering;
using Onnxc.TestSupport;

namespace Onnxc.Passes.Tests.Lowering;

public class LoweringArtifactTests
{
    private static (QdqModelBuilder Builder, Value Output) SmallModel()
    {
        var b = new QdqModelBuilder(seed: 7);
        var x = b.Qdq(b.Input("x", 1, 3, 6, 6), -1, 1);
        var c = b.Qdq(b.Op("Relu", [b.Conv(x, 3, 4, 3, pad: 1)]), 0, 1.5f);
        var g = b.Qdq(b.Op("GlobalAveragePool", [c]), 0, 1);
        var y = b.Op("Softmax", [b.Op("Sigmoid", [b.Op("Flatten", [g])])], NodeAttribute.Of("axis", 1L));
        b.Output(y);
        return (b, y);
    }

    [Fact]
    public void EmbeddedPlanLeavesTheModelRunningInOrtAndLoadsInTheRuntime()
    {
        var (b, _) = SmallModel();
        var input = b.RandomInput(3 * 6 * 6);
        using var dir = new TempDir();
        string plain = dir.File("plain.onnx");
        string compiled = dir.File("compiled.onnx");
        OnnxExporter.Save(b.Model, plain);

        var model = OnnxImporter.Load(plain);
        var lowering = Int8Lowering.Lower(model, new LoweringOptions(TargetRegistry.Rtx2050) { Ptx = new PlanPtxProvider() });
        PlanArtifact.Embed(model, lowering.Plan, lowering.Ptx);
        OnnxExporter.Save(model, compiled);

        float[] before = LoweringHarness.RunOrt(plain, "x", input, [1, 3, 6, 6]);
        float[] after = LoweringHarness.RunOrt(compiled, "x", input, [1, 3, 6, 6]);
        Assert.Equal(before, after);

        using var fromFile = PlanRuntime.Load(compiled, RuntimeDevice.Cpu);
        using var fromMemory = PlanRuntime.Create(lowering.Plan, RuntimeDevice.Cpu);
        Assert.Equal(fromMemory.Run(input), fromFile.Run(input));
        Assert.Equal(lowering.Plan.Describe(), fromFile.Plan.Describe());
        Assert.Contains("CPU", fromFile.DeviceDescription, StringComparison.Ordinal);

        var ptx = PlanArtifact.ReadPtx(OnnxImporter.Load(compiled));
        Assert.Equal(lowering.Ptx.Keys.Order(), ptx.Keys.Order());
        string conv = Assert.Single(ptx, p => p.Key.StartsWith("TensorCoreConvKernel", StringComparison.Ordinal)).Value;
        Assert.Contains("mma.sync.aligned.m16n8k32", conv, StringComparison.Ordinal);
        Assert.Matches(@"\.target sm_8[0-6]", conv);
        Assert.Contains(ptx, p => p.Key.StartsWith("FloatKernels.Softmax", StringComparison.Ordinal));
        Assert.Contains(ptx, p => p.Key.StartsWith("FloatKernels.Unary", StringComparison.Ordinal));
    }

    [Fact]
    public void PlanThatDoesNotFitTheTargetSaysByHowMuch()
    {
        var (b, _) = SmallModel();
        var options = new LoweringOptions(TargetRegistry.Rtx2050) { MemoryLimitBytes = 1000 };
        var error = Assert.Throws<InvalidOperationException>(() => Int8Lowering.Lower(b.Model, options));
        Assert.Contains("does not fit by", error.Message, StringComparison.Ordinal);

        var fits = Int8Lowering.Lower(b.Model, new LoweringOptions(TargetRegistry.Rtx2050));
        Assert.Contains($"does not fit by {ExecutionPlan.FormatBytes(fits.Plan.PeakDeviceBytes - 1000)}", error.Message, StringComparison.Ordinal);
        Assert.True(fits.Plan.ArenaBytes < fits.Plan.UnsharedActivationBytes, "liveness should let tensors share memory");
        Assert.Contains("peak device memory", fits.Summary(), StringComparison.Ordinal);
    }

    [Fact]
    public void OpWithNoKernelIsAClearError()
    {
        var b = new QdqModelBuilder(seed: 8);
        var x = b.Input("x", 1, 4);
        b.Output(b.Op("Erf", [x]));
        var error = Assert.Throws<NotSupportedException>(() => Int8Lowering.Lower(b.Model, new LoweringOptions(TargetRegistry.Rtx2050)));
        Assert.Contains("Erf has neither an INT8 nor a float kernel", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingPlanIsAClearError()
    {
        var (b, _) = SmallModel();
        var error = Assert.Throws<InvalidDataException>(() => PlanArtifact.ReadPlan(b.Model));
        Assert.Contains("no onnxc plan", error.Message, StringComparison.Ordinal);
    }
}
