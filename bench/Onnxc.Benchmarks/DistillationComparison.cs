// Distillation against plain training on MNIST: the same small student, the same data, budget and seed, with and without a teacher.
using System.Diagnostics;
using System.Globalization;
using Onnxc.Evaluation.Data;
using Onnxc.GraphIR;
using Onnxc.Passes.Training;
using Onnxc.Passes.Training.Losses;
using Onnxc.Passes.Training.Networks;
using Onnxc.Passes.Training.Optimizers;

namespace Onnxc.Benchmarks;

/// <summary>
/// <c>training-distill [--shared DIR] [--student-epochs E] [--seeds N]</c>: trains a teacher CNN (32/64 channels,
/// 3 epochs), then, for each seed, a small student CNN (4/8 channels) for E epochs twice — once on the labels
/// alone and once distilled from the teacher (T = 4, α = 0.9) — and prints the MNIST test top-1 of each, their
/// difference, and the median over seeds. Everything but the loss is the same between the two student runs.
/// </summary>
internal static class DistillationComparison
{
    public static int Run(string[] args)
    {
        string shared = Arg(args, "--shared") ?? Path.Combine(AppContext.BaseDirectory, "../../../../../../shared");
        int studentEpochs = int.Parse(Arg(args, "--student-epochs") ?? "1", CultureInfo.InvariantCulture);
        int seeds = int.Parse(Arg(args, "--seeds") ?? "3", CultureInfo.InvariantCulture);
        IReadOnlyList<ModelInputSpec> specs = [ModelInputSpec.Float32("image", -1, 1, 28, 28)];
        var pixels = new PreprocessOptions { Scale = 1.0 / 255 };
        SampleSet train = SampleSet.Open(Path.Combine(shared, "data/mnist-train/images.npy"), specs, pixels);
        SampleSet test = SampleSet.Open(Path.Combine(shared, "data/mnist/images.npy"), specs, pixels);
        var sgd = new TrainingSetup { Optimizer = new OptimizerSettings { Momentum = 0.9, WeightDecay = 5e-4 } };

        var clock = Stopwatch.StartNew();
        Model teacherNet = new NetworkBuilder("image", 1, 28, 28, seed: 100)
            .Conv(32, 5, pad: 2).Relu().MaxPool(2, 2).Conv(64, 5, pad: 2).Relu().MaxPool(2, 2).Flatten().Dense(128).Relu().Dense(10).Build();
        TrainingResult teacher = new Trainer(teacherNet, sgd, Options(3, 0.05, seed: 100)).Run(train, test);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"teacher: 32/64-channel CNN, 3 epochs: test top-1 {100 * teacher.Epochs[^1].ValidationAccuracy:F2}% ({clock.Elapsed.TotalSeconds:F0} s)"));

        var gains = new List<double>();
        for (int seed = 1; seed <= seeds; seed++)
        {
            Model student = Student(seed);
            double plain = new Trainer(student, sgd, Options(studentEpochs, 0.05, seed)).Run(train, test).Epochs[^1].ValidationAccuracy!.Value;
            var distill = sgd with { Loss = new LossSettings { Distillation = new DistillationSettings(4, 0.9) } };
            double distilled = new Trainer(Student(seed), distill, Options(studentEpochs, 0.05, seed))
                .Run(train, test, teacher.Model).Epochs[^1].ValidationAccuracy!.Value;
            gains.Add(100 * (distilled - plain));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"seed {seed}: student 4/8-channel CNN, {studentEpochs} epoch(s): labels only {100 * plain:F2}%, distilled {100 * distilled:F2}%, gain {100 * (distilled - plain):+0.00;-0.00} points"));
        }

        gains.Sort();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"median gain of distillation over {seeds} seeds: {gains[gains.Count / 2]:+0.00;-0.00} points (min {gains[0]:+0.00;-0.00}, max {gains[^1]:+0.00;-0.00})"));
        return 0;
    }

    private static Model Student(int seed) => new NetworkBuilder("image", 1, 28, 28, seed)
        .Conv(4, 5, pad: 2).Relu().MaxPool(2, 2).Conv(8, 5, pad: 2).Relu().MaxPool(2, 2).Flatten().Dense(10).Build();

    private static TrainingOptions Options(int epochs, double lr, int seed) => new()
    {
        Epochs = epochs,
        BatchSize = 64,
        Seed = seed,
        Schedule = new LearningRateSchedule { BaseRate = lr, Kind = ScheduleKind.Cosine, WarmupSteps = 100 },
    };

    private static string? Arg(string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
