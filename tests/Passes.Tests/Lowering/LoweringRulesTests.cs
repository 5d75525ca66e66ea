// The lowering's legality comes from the kernel set: rules cover the library, and a missing kernel means float, not a broken plan.
using Onnxc.GraphIR;
using Onnxc.Kernels.Registry;
using Onnxc.Kernels.Runtime.Steps;
using Onnxc.Kernels.Targets;
using Onnxc.Passes.Lowering;
using Onnxc.Passes.Lowering.Rules;

namespace Onnxc.Passes.Tests.Lowering;

public class LoweringRulesTests
{
    [Fact]
    public void EveryQuantizedKernelOfTheLibraryHasAnInt8RuleThatEmitsIt()
    {
        var emitted = LoweringRules.Int8.SelectMany(r => r.OpTypes.Select(r.KernelFor)).OfType<KernelOp>().ToHashSet();
        var library = KernelRegistry.All.Select(e => e.Key.Op).Where(op => op is not (KernelOp.QuantizeLinear or KernelOp.DequantizeLinear)).ToHashSet();

        Assert.Empty(library.Except(emitted));
        Assert.Empty(emitted.Except(library));
    }

    [Fact]
    public void TheInt8OpTypesFollowTheKernelSet()
    {
        var all = Int8Lowering.Int8OpTypes(KernelRegistry.Default);
        var noConv = Int8Lowering.Int8OpTypes(KernelRegistry.Default.Without(KernelOp.Conv));

        Assert.Contains("Conv", all);
        Assert.Contains("MatMul", all);
        Assert.DoesNotContain("Conv", noConv);
        Assert.Contains("Gemm", noConv);
        Assert.Contains("Reshape", noConv);
        Assert.Equal(["Conv"], all.Except(noConv));

        // An island that does not match falls back to float: every op an INT8 rule takes has a float rule too.
        Assert.Empty(all.Except(Int8Lowering.FloatOpTypes()));
    }

    [Fact]
    public void ConvolutionsWhoseKernelIsNotInTheSetRunAsFloatAndStillMatchOrt()
    {
        var (b, output) = ThreeConvolutions();
        var input = b.RandomInput(3 * 9 * 9);

        var (ours, ort, lowering) = LoweringHarness.Compare(b.Model, input, [1, 3, 9, 9], KernelRegistry.Default.Without(KernelOp.Conv));

        LoweringHarness.AssertWithinOneStep(ours, ort, b.Params[output].Scale, minExactFraction: 0.7);
        Assert.DoesNotContain(lowering.Plan.Steps, s => s is ConvStep);
        Assert.Equal(3, lowering.Plan.Steps.Count(s => s is FloatConvStep));
        var convs = lowering.FloatNodes.Where(f => f.OpType == "Conv").ToList();
        Assert.Equal(3, convs.Count);
        Assert.All(convs, f => Assert.Equal("no INT8 kernel registered for Conv", f.Reason));
    }

    [Fact]
    public void OnlyTheIslandWhoseTypePairHasNoKernelFallsBack()
    {
        // conv 1 reads and writes uint8; conv 2 writes int8, conv 3 reads it.
        var (b, output) = ThreeConvolutions();
        var input = b.RandomInput(3 * 9 * 9);
        var kernels = KernelRegistry.Default.Without(new KernelKey(KernelOp.Conv, Kernels.Registry.ElementType.UInt8, Kernels.Registry.ElementType.UInt8));

        var (ours, ort, lowering) = LoweringHarness.Compare(b.Model, input, [1, 3, 9, 9], kernels);

        LoweringHarness.AssertWithinOneStep(ours, ort, b.Params[output].Scale, minExactFraction: 0.7);
        Assert.Equal(2, lowering.Plan.Steps.Count(s => s is ConvStep));
        var conv = Assert.Single(lowering.FloatNodes, f => f.OpType == "Conv");
        Assert.Equal("no INT8 kernel registered for Conv(UInt8->UInt8)", conv.Reason);
    }

    [Fact]
    public void AQuantizeLinearWithoutItsKernelIsAClearError()
    {
        var (b, _) = ThreeConvolutions();

        var e = Assert.Throws<NotSupportedException>(() => Int8Lowering.Lower(
            b.Model, new LoweringOptions(TargetRegistry.Rtx2050) { Kernels = KernelRegistry.Default.Without(KernelOp.QuantizeLinear) }));

        Assert.Contains("QuantizeLinear", e.Message);
        Assert.Contains("no INT8 kernel registered for QuantizeLinear(Float32->UInt8)", e.Message);
    }

    private static (QdqModelBuilder Builder, Value Output) ThreeConvolutions()
    {
        var b = new QdqModelBuilder(seed: 1);
        var x = b.Qdq(b.Input("x", 1, 3, 9, 9), -1, 1);
        var c1 = b.Qdq(b.Op("Relu", [b.Conv(x, 3, 8, 3, pad: 1)]), 0, 1.5f);
        var c2 = b.Qdq(b.Conv(c1, 8, 8, 3, stride: 2, pad: 1, group: 8), -1.5f, 1.5f, signed: true);
        var c3 = b.Qdq(b.Conv(c2, 8, 6, 3, pad: 2, dilation: 2, group: 2), -1.5f, 1.5f);
        b.Output(c3);
        return (b, c3);
    }
}
