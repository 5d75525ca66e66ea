// The models of models/: their networks, built in onnxc's IR, and their training by onnxc's own training pass.
using Onnxc.Evaluation.Data;
using Onnxc.GraphIR;
using Onnxc.Passes.Training;
using Onnxc.Passes.Training.Networks;
using Onnxc.Passes.Training.Optimizers;

namespace Onnxc.ModelMaker;

/// <summary>
/// Two classifiers of the same shapes, made with <see cref="NetworkBuilder"/> and trained by <see cref="Trainer"/> —
/// the same training pass `onnxc train` runs, so the repository has one training engine:
/// <list type="bullet">
/// <item><see cref="Small"/>, shapes-cnn.onnx: Conv 3×3 (8) → MaxPool 2 → Conv 3×3 (16) → MaxPool 2 → Flatten
/// [N,784] → Gemm (32) → ReLU → Gemm (10); 0.3 M multiply-adds per image, quick to train, prune and distill in the
/// README's examples, but too small for INT8 to pay in ONNX Runtime.</item>
/// <item><see cref="Wide"/>, shapes-wide.onnx: two Conv 3×3 (32) → MaxPool 2 → two Conv 3×3 (64) → MaxPool 2 → Conv
/// 3×3 (128) → GlobalAveragePool → Flatten [N,128] → Gemm (10); 22 M multiply-adds per image, most of them in
/// convolutions with 32 to 128 input channels, which is where INT8 is faster: the README's main job.</item>
/// </list>
/// Every Conv has no bias and is followed by BatchNorm and ReLU. AdamW without weight decay (Adam), a cosine
/// schedule, batches of <see cref="BatchSize"/>, one ONNX Runtime thread so the same command writes the same bytes
/// on any machine.
/// </summary>
internal sealed record ShapesModel(string FileName, int Epochs, double LearningRate, string ProducerVersion, Func<int, NetworkBuilder, NetworkBuilder> Layers)
{
    public const string InputName = "input";
    public const string OutputName = "logits";
    public const int BatchSize = 32;

    public static ShapesModel Small { get; } = new("shapes-cnn.onnx", 15, 0.003, "2", (_, b) => b
        .Conv(8, 3, pad: 1, bias: false).BatchNorm().Relu().MaxPool(2, 2)
        .Conv(16, 3, pad: 1, bias: false).BatchNorm().Relu().MaxPool(2, 2)
        .Flatten().Dense(32).Relu().Dense(ShapeRenderer.ClassCount));

    public static ShapesModel Wide { get; } = new("shapes-wide.onnx", 8, 0.003, "3", (_, b) => b
        .Conv(32, 3, pad: 1, bias: false).BatchNorm().Relu()
        .Conv(32, 3, pad: 1, bias: false).BatchNorm().Relu().MaxPool(2, 2)
        .Conv(64, 3, pad: 1, bias: false).BatchNorm().Relu()
        .Conv(64, 3, pad: 1, bias: false).BatchNorm().Relu().MaxPool(2, 2)
        .Conv(128, 3, pad: 1, bias: false).BatchNorm().Relu()
        .GlobalAveragePool().Flatten().Dense(ShapeRenderer.ClassCount));

    /// <summary>The untrained network, weights drawn from <paramref name="seed"/>.</summary>
    public Model Build(int seed) =>
        Layers(seed, new NetworkBuilder(InputName, 1, ShapeRenderer.ImageSize, ShapeRenderer.ImageSize, seed, opset: 13))
            .Build(OutputName);

    /// <summary>Trains on the images of <paramref name="trainNpy"/> (labels.npy beside it), x = pixel / 255.</summary>
    public TrainingResult Train(string trainNpy, int seed, ITrainingProgress progress)
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
        result.Model.ProducerVersion = ProducerVersion;
        return result;
    }
}
