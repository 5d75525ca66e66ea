// The default model: its network, built in onnxc's IR, and its training by onnxc's own training pass.
using Onnxc.Evaluation.Data;
using Onnxc.GraphIR;
using Onnxc.Passes.Training;
using Onnxc.Passes.Training.Networks;
using Onnxc.Passes.Training.Optimizers;

namespace Onnxc.ModelMaker;

/// <summary>
/// input [N,1,28,28] → Conv 3×3 (8, no bias) → BatchNorm → ReLU → MaxPool 2 → Conv 3×3 (16, no bias) → BatchNorm
/// → ReLU → MaxPool 2 → Flatten [N,784] → Gemm (32) → ReLU → Gemm (10) = logits, made with
/// <see cref="NetworkBuilder"/> and trained by <see cref="Trainer"/> — the same training pass `onnxc train` runs,
/// so the repository has one training engine. AdamW without weight decay (Adam), learning rate
/// <see cref="LearningRate"/> on a cosine schedule, <see cref="Epochs"/> epochs of batches of
/// <see cref="BatchSize"/>, one ONNX Runtime thread so the same command writes the same bytes on any machine.
/// </summary>
internal static class ShapesModel
{
    public const string InputName = "input";
    public const string OutputName = "logits";
    public const int Epochs = 15;
    public const int BatchSize = 32;
    public const double LearningRate = 0.003;

    /// <summary>The untrained network, weights drawn from <paramref name="seed"/>.</summary>
    public static Model Build(int seed) =>
        new NetworkBuilder(InputName, 1, ShapeRenderer.ImageSize, ShapeRenderer.ImageSize, seed, opset: 13)
            .Conv(8, 3, pad: 1, bias: false).BatchNorm().Relu().MaxPool(2, 2)
            .Conv(16, 3, pad: 1, bias: false).BatchNorm().Relu().MaxPool(2, 2)
            .Flatten().Dense(32).Relu().Dense(ShapeRenderer.ClassCount)
            .Build(OutputName);

    /// <summary>Trains on the images of <paramref name="trainNpy"/> (labels.npy beside it), x = pixel / 255.</summary>
    public static TrainingResult Train(string trainNpy, int seed, ITrainingProgress progress)
    {
        Model model = Build(seed);
        SampleSet data = SampleSet.Open(trainNpy, [ModelInputSpec.Float32(InputName, -1, 1, ShapeRenderer.ImageSize, ShapeRenderer.ImageSize)],
            new PreprocessOptions { Scale = 1.0 / 255 });
        var setup = new TrainingSetup { Optimizer = new OptimizerSettings { Kind = OptimizerKind.AdamW } };
        var options = new TrainingOptions
        {
            Epochs = Epochs,
            BatchSize = BatchSize,
            Seed = seed,
            Threads = 1,
            Schedule = new LearningRateSchedule { BaseRate = LearningRate, Kind = ScheduleKind.Cosine },
        };
        TrainingResult result = new Trainer(model, setup, options).Run(data, validation: null, progress: progress);
        result.Model.IrVersion = 7;
        result.Model.ProducerName = "onnxc-modelmaker";
        result.Model.ProducerVersion = "2";
        return result;
    }
}
