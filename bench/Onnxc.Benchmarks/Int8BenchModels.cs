// Makes the MLP and vision-transformer models bench/int8-speed.sh measures beside the shared CNNs, trained on MNIST.
using System.Diagnostics;
using System.Globalization;
using Onnxc.Evaluation;
using Onnxc.Evaluation.Data;
using Onnxc.GraphIR;
using Onnxc.GraphIR.Onnx;
using Onnxc.Passes.Training;
using Onnxc.Passes.Training.Networks;
using Onnxc.Passes.Training.Optimizers;

namespace Onnxc.Benchmarks;

/// <summary>
/// <c>int8-models --out DIR [--shared DIR] [--epochs E] [--steps S]</c>: builds and trains, on
/// ../shared/data/mnist-train with onnxc's training pass (AdamW, cosine schedule), the two model kinds issue 12
/// asks the INT8 bench to cover besides CNNs, and writes them to DIR:
/// <list type="bullet">
/// <item><c>mlp.onnx</c>: Flatten → 1024 → ReLU → 1024 → ReLU → 10 (Gemm layers).</item>
/// <item><c>vit-op17.onnx</c>: a 4-block vision transformer over 4×4 patches (49 tokens, width 128, 4 heads,
/// MLP 512) with native LayerNormalization, trained.</item>
/// <item><c>vit-op13.onnx</c>: the same network and the same trained weights at opset 13, LayerNorm decomposed
/// as older exporters write it.</item>
/// </list>
/// Prints each model's MNIST test top-1 (the float accuracy the bench's drops are measured from).
/// </summary>
internal static class Int8BenchModels
{
    private static readonly VitShape s_vit = new(Channels: 1, ImageSize: 28, Patch: 4, Dim: 128, Heads: 4, Depth: 4, MlpDim: 512, Classes: 10);

    public static int Run(string[] args)
    {
        string? outDir = Arg(args, "--out");
        if (outDir is null)
        {
            Console.Error.WriteLine("int8-models: usage: int8-models --out DIR [--shared DIR] [--epochs E] [--steps S]");
            return 2;
        }

        string shared = Arg(args, "--shared") ?? Path.Combine(AppContext.BaseDirectory, "../../../../../../shared");
        int epochs = int.Parse(Arg(args, "--epochs") ?? "1", CultureInfo.InvariantCulture);
        int? steps = Arg(args, "--steps") is { } s ? int.Parse(s, CultureInfo.InvariantCulture) : null;
        Directory.CreateDirectory(outDir);
        IReadOnlyList<ModelInputSpec> specs = [ModelInputSpec.Float32("image", -1, 1, 28, 28)];
        var pixels = new PreprocessOptions { Scale = 1.0 / 255 };
        SampleSet train = SampleSet.Open(Path.Combine(shared, "data/mnist-train/images.npy"), specs, pixels);
        SampleSet test = SampleSet.Open(Path.Combine(shared, "data/mnist/images.npy"), specs, pixels);

        Model mlp = new NetworkBuilder("image", 1, 28, 28, seed: 7).Flatten().Dense(1024).Relu().Dense(1024).Relu().Dense(10).Build();
        Train("mlp.onnx", mlp, 0.001, epochs, steps, train, test, outDir);

        Model vit = Train("vit-op17.onnx", VisionTransformer.Build(s_vit, seed: 7, opset: 17), 0.001, epochs, steps, train, test, outDir);
        Model vit13 = VisionTransformer.Build(s_vit, seed: 7, opset: 13);
        foreach (Value init in vit13.Graph.Initializers.ToList())
        {
            if (vit.Graph.FindValue(init.Name) is { Initializer: { } trained } && trained.ElementType == ElementType.Float)
            {
                vit13.Graph.SetInitializer(init, trained);
            }
        }

        Save(vit13, Path.Combine(outDir, "vit-op13.onnx"), test);
        return 0;
    }

    private static Model Train(string file, Model net, double lr, int epochs, int? steps, SampleSet train, SampleSet test, string outDir)
    {
        var clock = Stopwatch.StartNew();
        var setup = new TrainingSetup { Optimizer = new OptimizerSettings { Kind = OptimizerKind.AdamW, WeightDecay = 0.01 } };
        var options = new TrainingOptions
        {
            Epochs = epochs,
            BatchSize = 64,
            Seed = 7,
            MaxStepsPerEpoch = steps,
            Schedule = new LearningRateSchedule { BaseRate = lr, Kind = ScheduleKind.Cosine, WarmupSteps = 50 },
        };
        Model trained = new Trainer(net, setup, options).Run(train, null).Model;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{file}: trained {epochs} epoch(s) in {clock.Elapsed.TotalSeconds:F0} s"));
        Save(trained, Path.Combine(outDir, file), test);
        return trained;
    }

    private static void Save(Model model, string path, SampleSet test)
    {
        OnnxExporter.Save(model, path);
        using var runner = InferenceRunner.Create(model);
        double top1 = AccuracyMeter.Measure(runner, test).Top1;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{Path.GetFileName(path)}: MNIST test top-1 {top1:F2}%"));
    }

    private static string? Arg(string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
