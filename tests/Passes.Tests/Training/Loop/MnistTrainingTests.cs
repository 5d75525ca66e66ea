// End-to-end training on the real MNIST data: the loop, the data path and the optimizers learn.
using Onnxc.GraphIR;
using Onnxc.Passes.Data;
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
