// Which initializers training updates by default, on a transformer as exporters write one.
using Onnxc.GraphIR;
using Onnxc.Passes.Training;
using Onnxc.Passes.Training.Networks;

namespace Onnxc.Passes.Tests.Training;

public sealed class TrainableSelectionTests
{
    private static readonly VitShape s_tiny = new(Channels: 1, ImageSize: 8, Patch: 2, Dim: 16, Heads: 2, Depth: 1, MlpDim: 32, Classes: 3);

    [Fact]
    public void AMatMulsBiasAddIsTrainedWithItButScalesAndShapeConstantsAreNot()
    {
        Model vit = VisionTransformer.Build(s_tiny, seed: 1);

        string[] names = [.. TrainableSelection.Select(vit.Graph).Select(v => v.Name)];

        Assert.Contains("block1.attn.q.weight", names);
        Assert.Contains("block1.attn.q.bias", names);      // Add(MatMul(x, W), b)
        Assert.Contains("block1.mlp.fc2.bias", names);
        Assert.Contains("block1.norm1.weight", names);
        Assert.Contains("head.bias", names);
        Assert.DoesNotContain("block1.attn.scale.value", names);
        Assert.DoesNotContain("block1.mlp.gelu.sqrt2", names);
        Assert.DoesNotContain(names, n => n.EndsWith(".shape", StringComparison.Ordinal));
    }

    [Fact]
    public void FreezingMatMulFreezesItsBiasToo()
    {
        Model vit = VisionTransformer.Build(s_tiny, seed: 1);

        string[] names = [.. TrainableSelection.Select(vit.Graph, ["MatMul"]).Select(v => v.Name)];

        Assert.DoesNotContain("block1.attn.q.weight", names);
        Assert.DoesNotContain("block1.attn.q.bias", names);
        Assert.Contains("head.weight", names);
    }
}
