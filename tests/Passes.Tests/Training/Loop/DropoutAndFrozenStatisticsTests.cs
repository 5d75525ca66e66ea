// Training with Dropout (host-drawn masks) and with frozen BatchNorm statistics, on the shipped shapes samples.
using Onnxc.Evaluation.Data;
using Onnxc.GraphIR;
using Onnxc.GraphIR.Onnx;
using Onnxc.Passes.Training;
using Onnxc.Passes.Training.Networks;
using Onnxc.Passes.Training.Optimizers;
using Onnxc.TestSupport;

namespace Onnxc.Passes.Tests.Training.Loop;

public sealed class DropoutAndFrozenStatisticsTests
{
    private static readonly string s_models = Path.Combine(SharedData.RepoRoot, "models");
    private static readonly PreprocessOptions s_pixels = new() { Scale = 1.0 / 255 };

    private static SampleSet Open(string split) => SampleSet.Open(Path.Combine(s_models, split, "images.npy"),
        [ModelInputSpec.Float32("input", -1, 1, 28, 28)], s_pixels);

    private static Model DropoutMlp() => new NetworkBuilder("input", 1, 28, 28, seed: 4)
        .Conv(8, 3, pad: 1).Relu().MaxPool(2, 2).Conv(16, 3, pad: 1).Relu().MaxPool(2, 2)
        .Flatten().Dropout(0.5f).Dense(10).Build();

    private static TrainingResult Train(Model model, TrainingSetup setup, int seed, int epochs = 3) =>
        new Trainer(model, setup, new TrainingOptions
        {
            Epochs = epochs,
            BatchSize = 32,
            Seed = seed,
            Threads = 1,
            Schedule = new LearningRateSchedule { BaseRate = 0.003 },
        }).Run(Open("shapes-calib"), validation: Open("shapes-test"));

    private static readonly TrainingSetup s_adam = new() { Optimizer = new OptimizerSettings { Kind = OptimizerKind.AdamW } };

    [Fact]
    public void DropoutTrainsOnFedMasksAndEvaluatesAsTheIdentity()
    {
        TrainingGraph graph = TrainingGraphBuilder.Build(DropoutMlp(), s_adam);
        DropoutTraining.Mask mask = Assert.Single(graph.DropoutMasks);
        Assert.Equal(0.5f, mask.Ratio);
        Assert.Equal([-1L, 16 * 7 * 7], mask.Dims);
        Assert.DoesNotContain(graph.Model.Graph.Nodes, n => n.OpType == "Dropout");
        Assert.Contains(graph.Model.Graph.Inputs, v => v.Name == mask.Input);
        Assert.Contains(graph.Evaluation.Graph.Nodes, n => n.OpType == "Dropout");

    }

    /// <summary>On MNIST (../shared), as the plain MLP test there: 300 SGD steps with half the hidden units dropped.</summary>
    [SharedFact]
    public void AnMlpWithDropoutLearnsMnist()
    {
        Model mlp = new NetworkBuilder("image", 1, 28, 28, seed: 3).Flatten().Dense(128).Relu().Dropout(0.5f).Dense(10).Build();
        IReadOnlyList<ModelInputSpec> specs = [ModelInputSpec.Float32("image", -1, 1, 28, 28)];
        SampleSet train = SampleSet.Open(SharedData.Data("mnist-train", "images.npy"), specs, s_pixels);
        SampleSet test = SampleSet.Open(SharedData.Data("mnist", "images.npy"), specs, s_pixels);
        var options = new TrainingOptions
        {
            Epochs = 1,
            BatchSize = 64,
            MaxStepsPerEpoch = 300,
            Schedule = new LearningRateSchedule { BaseRate = 0.05 },
            Seed = 1,
        };
        var setup = new TrainingSetup { Optimizer = new OptimizerSettings { Kind = OptimizerKind.Sgd, Momentum = 0.9 } };
        TrainingResult result = new Trainer(mlp, setup, options).Run(train, validation: test);

        // Training top-1 is measured under the masks, the test top-1 on the whole network: dropout costs the first.
        EpochSummary e = result.Epochs[0];
        Assert.True(e.ValidationAccuracy > 0.90, $"test top-1 {e.ValidationAccuracy:P2} after 300 steps");
        Assert.True(e.TrainAccuracy < e.ValidationAccuracy, $"train top-1 {e.TrainAccuracy:P2} under dropout, test {e.ValidationAccuracy:P2}");

        // The output keeps its Dropout node, so it is the input model with new weights.
        Assert.Contains(result.Model.Graph.Nodes, n => n.OpType == "Dropout");
        Assert.Equal(["image"], result.Model.Graph.Inputs.Where(v => !v.IsInitializer).Select(v => v.Name));
    }

    [Fact]
    public void DropoutMasksComeFromTheSeed()
    {
        byte[] Bytes(int seed, int epochs) => Google.Protobuf.MessageExtensions.ToByteArray(OnnxExporter.ToProto(Train(DropoutMlp(), s_adam, seed, epochs).Model));
        byte[] a = Bytes(1, 1);
        Assert.Equal(a, Bytes(1, 1));
        Assert.NotEqual(a, Bytes(2, 1));
    }

    [Fact]
    public void FrozenStatisticsStayAndTheWeightsMove()
    {
        Model original = OnnxImporter.Load(Path.Combine(s_models, "shapes-cnn.onnx"));
        Model Run(bool freeze) => Train(OnnxImporter.Load(Path.Combine(s_models, "shapes-cnn.onnx")),
            s_adam with { FreezeBatchNormStatistics = freeze }, seed: 1, epochs: 1).Model;
        float[] Tensor(Model m, string name) => m.Graph.FindValue(name)!.Initializer!.ToFloats();
        Node bn = original.Graph.Nodes.First(n => n.OpType == "BatchNormalization");
        string mean = bn.Inputs[3]!.Name, variance = bn.Inputs[4]!.Name, scale = bn.Inputs[1]!.Name;
        string conv = original.Graph.Nodes.First(n => n.OpType == "Conv").Inputs[1]!.Name;

        Model frozen = Run(freeze: true);
        Assert.Equal(Tensor(original, mean), Tensor(frozen, mean));
        Assert.Equal(Tensor(original, variance), Tensor(frozen, variance));
        Assert.NotEqual(Tensor(original, scale), Tensor(frozen, scale));
        Assert.NotEqual(Tensor(original, conv), Tensor(frozen, conv));

        // Without the option the statistics follow the batches.
        Model moving = Run(freeze: false);
        Assert.NotEqual(Tensor(original, mean), Tensor(moving, mean));

        TrainingGraph graph = TrainingGraphBuilder.Build(original, s_adam with { FreezeBatchNormStatistics = true });
        Assert.Contains(graph.Model.Graph.Nodes, n => n.OpType == "BatchNormalization");
        Assert.DoesNotContain(graph.Carried, c => c.Kind == CarriedKind.Buffer);
    }
}
