// -O int8 --qat: runs QatCompiler with the command's data and settings and prints PTQ against QAT.
using System.Globalization;
using Onnxc.Evaluation;
using Onnxc.Evaluation.Data;
using Onnxc.GraphIR;
using Onnxc.Passes.Quantization;
using Onnxc.Passes.Quantization.Qat;
using Onnxc.Passes.Training;
using Onnxc.Passes.Training.Losses;
using Onnxc.Passes.Training.Optimizers;

namespace Onnxc.Compilation;

internal static class QuantizationAwareTraining
{
    /// <summary>The QAT model; the epochs, and with --val-data the top-1 of PTQ and QAT at the same width, go to <paramref name="stdout"/>.</summary>
    public static Model Run(Model model, QuantizationOptions quantization, SampleSet calibration, QatSettings s, CompileOptions options, TextWriter stdout, TextWriter log, CompileObserver observer)
    {
        string preprocess = options.Int8?.Preprocess ?? "";
        SampleSet train = SampleData.Open(s.DataPath, model, preprocess);
        SampleSet? validation = s.ValidationPath is null ? null : SampleData.Open(s.ValidationPath, model, preprocess);
        Model? teacher = s.TeacherPath is null ? null : ModelInput.LoadVerified(s.TeacherPath);
        var setup = new TrainingSetup
        {
            Optimizer = s.Optimizer(sgdWeightDecay: 0, adamWeightDecay: 0),
            Loss = teacher is null ? new LossSettings() : new LossSettings { Distillation = new DistillationSettings(4, 0.9) },
        };
        var training = new TrainingOptions
        {
            Epochs = s.Epochs,
            BatchSize = s.BatchSize,
            MaxStepsPerEpoch = s.StepsPerEpoch,
            Schedule = new LearningRateSchedule { BaseRate = s.LearningRate, Kind = ScheduleKind.Cosine },
            Augmentation = new Augmentation(s.CropPadding, s.Flip),
            Seed = s.Seed,
        };
        QatResult result;
        try
        {
            result = observer.Training(progress =>
                QatCompiler.Compile(model, quantization, calibration, s.WeightBits, setup, training, train, validation, teacher, progress,
                    line => log.WriteLine("onnxc: " + line), passes: new Passes.PassContext(options.Passes, log)));
        }
        catch (TrainingException e)
        {
            throw new InvalidModelException(e.Message, options.ModelPath, e.Node?.Describe(), e);
        }

        foreach (EpochSummary e in result.Training.Epochs)
        {
            stdout.WriteLine(e.Describe(e.Epoch == result.Training.BestEpoch));
        }

        if (validation is not null)
        {
            double ptq = Top1(result.PostTraining, validation), qat = Top1(result.Trained, validation);
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{s.WeightBits}-bit weights on {Path.GetFileName(s.ValidationPath)}: post-training quantization top-1 {ptq:F2}%, quantization-aware training {qat:F2}%"));
        }

        return result.Trained;
    }

    private static double Top1(Model m, SampleSet data)
    {
        using InferenceRunner runner = InferenceRunner.Create(m);
        return AccuracyMeter.Measure(runner, data, batchSize: data.FixedBatchSize ?? 64).Top1;
    }
}
