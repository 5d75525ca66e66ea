// Identity BatchNormalizations after the convolutions of a folded model: the outputs do not change, and they fold away.
using Onnxc.Evaluation.Data;
using Onnxc.GraphIR;
using Onnxc.GraphIR.Analysis;
using Onnxc.GraphIR.Onnx;
using Onnxc.Passes.Pipelines;
using Onnxc.Passes.Training;
using Onnxc.Passes.Training.Networks;
using Onnxc.TestSupport;

namespace Onnxc.Passes.Tests.Training;

public sealed class BatchNormInsertionTests
{
    [Fact]
    public void InsertedNormalizationsComputeTheIdentityAndFoldBack()
    {
        using var dir = new TempDir();
        Model model = new NetworkBuilder("x", 3, 8, 8, seed: 3).Conv(8, 3, pad: 1).Relu().Conv(8, 3, stride: 2, pad: 1).Relu()
            .GlobalAveragePool().Flatten().Dense(4).Build();
        ShapeInference.Run(model);
        var rng = new Random(5);
        float[] pixels = [.. Enumerable.Range(0, 40 * 3 * 8 * 8).Select(_ => (float)((rng.NextDouble() * 4) - 1))];
        NpyWriter.WriteFloat32(dir.File("images.npy"), [40, 3, 8, 8], pixels);
        SampleSet data = SampleSet.Open(dir.File("images.npy"), [ModelInputSpec.Float32("x", -1, 3, 8, 8)], PreprocessOptions.None);
        OnnxExporter.Save(model, dir.File("before.onnx"));

        int inserted = BatchNormInsertion.Insert(model, data, batches: 2, batchSize: 16);

        Assert.Equal(2, inserted);
        Assert.Equal(2, model.Graph.Nodes.Count(n => n.OpType == "BatchNormalization"));
        GraphIR.Verification.Verifier.Verify(model);
        OnnxExporter.Save(model, dir.File("with-bn.onnx"));
        OrtCheck.AssertSameOutputs(dir.File("before.onnx"), dir.File("with-bn.onnx"), rtol: 1e-4, seed: 2);

        // The statistics are the data's: the first conv's normalisation has its output's per-channel mean as β.
        Node bn = model.Graph.Nodes.First(n => n.OpType == "BatchNormalization");
        float[] beta = bn.Input(2)!.Initializer!.ToFloats();
        Assert.Contains(beta, b => Math.Abs(b) > 1e-3);

        PassPipelines.Build(OptLevel.O2, PassOptions.Default).Run(model, new PassContext());
        Assert.DoesNotContain(model.Graph.Nodes, n => n.OpType == "BatchNormalization");
        OnnxExporter.Save(model, dir.File("folded.onnx"));
        OrtCheck.AssertSameOutputs(dir.File("before.onnx"), dir.File("folded.onnx"), rtol: 1e-4, seed: 2);
    }

    [Fact]
    public void ConvAlreadyFollowedByBatchNormalizationGetsNone()
    {
        using var dir = new TempDir();
        Model model = new NetworkBuilder("x", 1, 6, 6, seed: 1).Conv(4, 3, bias: false).BatchNorm().Relu().Flatten().Dense(2).Build();
        ShapeInference.Run(model);
        NpyWriter.WriteFloat32(dir.File("images.npy"), [4, 1, 6, 6], new float[4 * 36]);
        SampleSet data = SampleSet.Open(dir.File("images.npy"), [ModelInputSpec.Float32("x", -1, 1, 6, 6)], PreprocessOptions.None);
        Assert.Equal(0, BatchNormInsertion.Insert(model, data));
    }
}
