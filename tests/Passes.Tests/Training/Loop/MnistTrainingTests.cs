// End-to-end training on the real MNIST data: the loop, the data path and the optimizers learn.
using Onnxc.Evaluation.Data;
using Onnxc.GraphIR;
using Onnxc.Passes.Training;
using Onnxc.Passes.Training.Networks;
using Onnxc.Passes.Training.Optimizers;
using Onnxc.TestSupport;
using Xunit.Abstractions;

namespace Onnxc.Passes.Tests.Training.Loop;

public sealed class MnistTrainingTests(ITestOutputHelper output)
{
    private static readonly PreprocessOptions s_pixels = new() { Scale = 1.0 / 255 };

    [SharedFact]
    public void AnMlpLearnsMnistInAFewHundredSteps()
    {
        Model mlp = new NetworkBuilder("image", 1, 28, 28, seed: 3).Flatten().Dense(64).Relu().Dense(10).Build();
        var options = new TrainingOptions
        {
            Epochs = 1,
            BatchSize = 64,
            MaxStepsPerEpoch = 300,
            Schedule = new LearningRateSchedule { BaseRate = 0.05 },
            Seed = 1,
        };
        var setup = new TrainingSetup { Optimizer = new OptimizerSettings { Kind = OptimizerKind.Sgd, Momentum = 0.9 } };
        TrainingResult result = Train(mlp, setup, options, out double testAccuracy);
        output.WriteLine($"loss {result.Epochs[0].MeanLoss:F3}, train top-1 {result.Epochs[0].TrainAccuracy:P1}, test top-1 {testAccuracy:P2}, {result.Epochs[0].SamplesPerSecond:F0} img/s");
        Assert.True(testAccuracy > 0.90, $"test top-1 {testAccuracy:P2} after 300 steps");
    }

    /// <summary>
    /// The end-to-end target: a small CNN from a random start reaches ≥ 98.5 % on the 10,000 MNIST test
    /// images after two epochs on the 60,000 training images (SGD with momentum, cosine schedule).
    /// </summary>
    [SharedFact]
    public void ASmallCnnFromScratchReachesTheMnistTarget()
    {
        Model cnn = new NetworkBuilder("image", 1, 28, 28, seed: 1)
            .Conv(16, 5, pad: 2).Relu().MaxPool(2, 2)
            .Conv(32, 5, pad: 2).Relu().MaxPool(2, 2)
            .Flatten().Dense(10).Build();
        var options = new TrainingOptions
        {
            Epochs = 2,
            BatchSize = 64,
            Schedule = new LearningRateSchedule { BaseRate = 0.05, Kind = ScheduleKind.Cosine, WarmupSteps = 100 },
            Seed = 1,
        };
        var setup = new TrainingSetup { Optimizer = new OptimizerSettings { Kind = OptimizerKind.Sgd, Momentum = 0.9, WeightDecay = 5e-4 } };
        TrainingResult result = Train(cnn, setup, options, out double testAccuracy);
        foreach (EpochSummary e in result.Epochs)
        {
            output.WriteLine($"epoch {e.Epoch}: loss {e.MeanLoss:F4}, train {e.TrainAccuracy:P2}, test {e.ValidationAccuracy:P2}, {e.SamplesPerSecond:F0} img/s, {e.Seconds:F0} s");
        }

        Assert.True(result.Epochs[1].MeanLoss < result.Epochs[0].MeanLoss, "the loss did not decrease from epoch 1 to 2");
        Assert.True(testAccuracy >= 0.985, $"test top-1 {testAccuracy:P2}, target 98.5 %");
    }

    private static TrainingResult Train(Model model, TrainingSetup setup, TrainingOptions options, out double testAccuracy)
    {
        IReadOnlyList<ModelInputSpec> specs = [ModelInputSpec.Float32("image", -1, 1, 28, 28)];
        SampleSet train = SampleSet.Open(SharedData.Data("mnist-train", "images.npy"), specs, s_pixels);
        SampleSet test = SampleSet.Open(SharedData.Data("mnist", "images.npy"), specs, s_pixels);
        TrainingResult result = new Trainer(model, setup, options).Run(train, validation: test);
        testAccuracy = result.Epochs[^1].ValidationAccuracy!.Value;
        return result;
    }
}
