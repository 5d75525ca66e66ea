// Channel groups on the real models in ../shared/models: pruning half of every group verifies, runs, and equals the
// original with the same channels' consumer columns zeroed.
using Onnxc.GraphIR;
using Onnxc.GraphIR.Onnx;
using Onnxc.Passes.Pipelines;
using Onnxc.Passes.Pruning;
using Onnxc.TestSupport;

namespace Onnxc.Passes.Tests.Pruning;

public sealed class SharedModelPruningTests
{
    private static readonly PruningOptions Half = new() { Ratio = 0.5 };

    /// <summary>Every conv of the ResNets loses channels (the residual streams too, through the zero-pad shortcuts);
    /// squeezenet's last conv, whose 1000 classes are the output, and mnist-8's 8-channel first conv (at the
    /// minimum of 8) keep theirs.</summary>
    [SharedTheory]
    [InlineData("cifar10-resnet20-akamaster.onnx", 19)]
    [InlineData("cifar10-resnet32-akamaster.onnx", 31)]
    [InlineData("mnist-8.onnx", 1)]
    [InlineData("squeezenet1.1-caffe2-fp32.onnx", 25)]
    public void HalfOfEveryLayerPrunesToTheZeroedOriginal(string file, int prunedConvs)
    {
        Model model = Cleaned(file);
        long[] before = [.. model.Graph.Nodes.Where(n => n.OpType == "Conv").Select(n => n.Input(1)!.Initializer!.Dims[0])];
        ChannelPrunerTests.AssertPrunedEqualsZeroed(model, Half, rtol: 1e-3);
        long[] after = [.. model.Graph.Nodes.Where(n => n.OpType == "Conv").Select(n => n.Input(1)!.Initializer!.Dims[0])];
        Assert.Equal(prunedConvs, before.Zip(after).Count(p => p.Second < p.First));
    }

    [SharedFact]
    public void ResNet20HalvedHasHalfTheChannelsAndAQuarterOfTheMacs()
    {
        PruningResult r = ChannelPruner.Prune(Cleaned("cifar10-resnet20-akamaster.onnx"), Half);
        double ratio = (double)r.MacsBefore.Total / r.MacsAfter.Total;
        Assert.InRange(ratio, 3.5, 4.1); // both sides of almost every conv halve
        Assert.InRange(r.MacsBefore.Total, 40_000_000, 42_000_000); // ResNet-20: 40.8 M MACs (41 M FLOPs as the papers count)
    }

    [SharedFact]
    public void HalfPrecisionModelIsRefusedWithTheReason()
    {
        Model model = Cleaned("squeezenet1.1-caffe2-fp16.onnx");
        var e = Assert.Throws<PruningException>(() => ChannelPruner.Prune(model, Half));
        Assert.Equal("nothing to prune: it has no Conv, Gemm or MatMul with constant float32 weights", e.Message);
    }

    private static Model Cleaned(string file)
    {
        Model model = OnnxImporter.Load(SharedData.Model(file));
        PassPipelines.Build(OptLevel.O2, PassOptions.Default).Run(model, new PassContext());
        return model;
    }
}
