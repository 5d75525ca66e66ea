// Quantization-aware training against post-training quantization at the same bit width, side by side on one test set.
using System.Diagnostics;
using System.Globalization;
using Onnxc.Evaluation;
using Onnxc.Evaluation.Data;
using Onnxc.GraphIR;
using Onnxc.GraphIR.Onnx;
using Onnxc.Passes.Quantization;
using Onnxc.Passes.Quantization.Qat;
using Onnxc.Passes.Training;
using Onnxc.Passes.Training.Losses;
using Onnxc.Passes.Training.Optimizers;

namespace Onnxc.Benchmarks;

/// <summary>
/// <c>training-qat MODEL --train TRAIN.npy --test TEST.npy --calibration CAL.npy [--preprocess SPEC] [--bits 4|8]
/// [--epochs E] [--steps-per-epoch N] [--lr LR] [--batch B] [--teacher MODEL]</c>: top-1 of the float model, of PTQ
/// and of QAT at the given weight bits (8-bit activations, per-channel weights), each on the whole test set, with
/// the drops from float. QAT trains with SGD (momentum 0.9), a cosine schedule, crop-and-flip augmentation.
/// </summary>
internal static class QatComparison
{
    public static int Run(string[] args)
    {
        string modelPath = args[0];
        string preprocess = Arg(args, "--preprocess") ?? "";
        int bits = int.Parse(Arg(args, "--bits") ?? "4", CultureInfo.InvariantCulture);
        int epochs = int.Parse(Arg(args, "--epochs") ?? "1", CultureInfo.InvariantCulture);
        int? steps = Arg(args, "--steps-per-epoch") is { } s ? int.Parse(s, CultureInfo.InvariantCulture) : null;
        double lr = double.Parse(Arg(args, "--lr") ?? "0.001", CultureInfo.InvariantCulture);
        int batch = int.Parse(Arg(args, "--batch") ?? "128", CultureInfo.InvariantCulture);
        Model model = OnnxImporter.Load(modelPath);
        IReadOnlyList<ModelInputSpec> specs = [.. model.Graph.Inputs.Where(v => !v.IsInitializer)
            .Select(v => ModelInputSpec.Float32(v.Name, [.. v.Shape!.Dims.Select(d => d.Value ?? -1)]))];
        PreprocessOptions pre = PreprocessOptions.Parse(preprocess);
        SampleSet train = SampleSet.Open(Arg(args, "--train")!, specs, pre);
        SampleSet test = SampleSet.Open(Arg(args, "--test")!, specs, pre);
        SampleSet calibration = SampleSet.Open(Arg(args, "--calibration")!, specs, pre);
        Model? teacher = Arg(args, "--teacher") is { } t ? OnnxImporter.Load(t) : null;

        var setup = new TrainingSetup
        {
            Optimizer = new OptimizerSettings { Momentum = 0.9, WeightDecay = 5e-4 },
            Loss = teacher is null ? new LossSettings() : new LossSettings { Distillation = new DistillationSettings(4, 0.9) },
        };
        var options = new TrainingOptions
        {
            Epochs = epochs,
            BatchSize = batch,
            MaxStepsPerEpoch = steps,
            Schedule = new LearningRateSchedule { BaseRate = lr, Kind = ScheduleKind.Cosine },
            Augmentation = new Augmentation(4, HorizontalFlip: true),
            Seed = 1,
        };
        var clock = Stopwatch.StartNew();
        QatResult r = QatCompiler.Compile(model, new QuantizationOptions(), calibration, bits, setup, options, train, validation: null, teacher);
        double fp32 = Top1(model, test), ptq = Top1(r.PostTraining, test), qat = Top1(r.Trained, test);
        foreach (EpochSummary e in r.Training.Epochs)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"qat epoch {e.Epoch}: loss {e.MeanLoss:F4}, train top-1 {100 * e.TrainAccuracy:F2}%, {e.SamplesPerSecond:F0} img/s, {e.Seconds:F0} s"));
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{Path.GetFileName(modelPath)}, {bits}-bit weights per channel, 8-bit activations{(teacher is null ? "" : ", distilled from " + Path.GetFileName(Arg(args, "--teacher")))}: "
            + $"FP32 {fp32:F2}%, PTQ {ptq:F2}% (drop {fp32 - ptq:F2}), QAT {qat:F2}% (drop {fp32 - qat:F2}) "
            + $"on {test.Count} test images; {clock.Elapsed.TotalMinutes:F1} min"));
        if (Arg(args, "--save") is { } save)
        {
            OnnxExporter.Save(r.Trained, save);
        }

        return 0;
    }

    private static double Top1(Model m, SampleSet data)
    {
        using InferenceRunner runner = InferenceRunner.Create(m);
        return AccuracyMeter.Measure(runner, data, batchSize: 100).Top1;
    }

    private static string? Arg(string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
