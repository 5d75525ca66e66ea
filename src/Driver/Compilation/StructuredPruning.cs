// --prune-ratio / --prune-flops / --sparsity [--recover]: prunes channel groups and weights, prints what changed, and fine-tunes with a teacher.
using System.Globalization;
using Onnxc.Evaluation;
using Onnxc.Evaluation.Data;
using Onnxc.GraphIR;
using Onnxc.Passes.Pipelines;
using Onnxc.Passes.Pruning;
using Onnxc.Passes.Training;
using Onnxc.Passes.Training.Losses;
using Onnxc.Passes.Training.Optimizers;

namespace Onnxc.Compilation;

internal static class StructuredPruning
{
    /// <summary>
    /// Prunes <paramref name="model"/> (already at -O 2): channels first, then weights by magnitude; with --recover,
    /// trains it on --data with the unpruned model (or --teacher) as the distillation teacher, keeping the zeros
    /// --sparsity made. The summaries and the epochs go to <paramref name="stdout"/>; with --val-data the top-1 of
    /// the original, the pruned and the recovered model too.
    /// </summary>
    public static Model Run(Model model, PruneSettings settings, CompileOptions options, TextWriter stdout, TextWriter log, CompileObserver observer, CancellationToken cancellation)
    {
        Model original = TrainingGraphBuilder.Clone(model);
        Model pruned = model;
        SparsityReport? sparsity = null;
        try
        {
            if (settings.Options is { } channels)
            {
                channels = WithGradients(model, channels, options, log);
                PruningResult result = ChannelPruner.Prune(model, channels);
                Print(stdout, result.Describe());
                pruned = result.Model;
            }

            if (settings.Sparsity is { } weights)
            {
                sparsity = MagnitudeSparsifier.Sparsify(pruned, weights);
                Print(stdout, sparsity.Describe());
            }
        }
        catch (PruningException e)
        {
            throw new InvalidModelException(e.Message, options.ModelPath, inner: e);
        }

        if (settings.Recovery is not { } s)
        {
            return pruned;
        }

        string? preprocess = options.Int8?.Preprocess;
        SampleSet train = SampleData.Open(s.DataPath, model, preprocess);
        SampleSet? validation = s.ValidationPath is null ? null : SampleData.Open(s.ValidationPath, model, preprocess);
        Model teacher = s.TeacherPath is null ? original : ModelInput.LoadVerified(s.TeacherPath);
        var setup = new TrainingSetup
        {
            Optimizer = s.Optimizer(sgdWeightDecay: 5e-4, adamWeightDecay: 0.01),
            Loss = new LossSettings { Distillation = new DistillationSettings(4, 0.9) },
            KeepZeros = sparsity?.SparsifiedWeights ?? [],
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
        double? originalTop1 = validation is null ? null : Top1(original, validation);
        double? prunedTop1 = validation is null ? null : Top1(pruned, validation);
        // A folded model trains badly (see BatchNormInsertion): train with identity BatchNormalizations, fold after.
        int inserted = BatchNormInsertion.Insert(pruned, train);
        TrainingResult trained;
        try
        {
            log.WriteLine($"recovering {Path.GetFileName(options.ModelPath)} on {train.Description} with {(s.AdamW ? "AdamW" : "SGD")}, distilled from {(s.TeacherPath is null ? "the unpruned model" : Path.GetFileName(s.TeacherPath))}");
            trained = observer.Training(progress => new Trainer(pruned, setup, training).Run(train, validation, teacher, progress, cancellation));
        }
        catch (TrainingException e)
        {
            throw new InvalidModelException(e.Message, options.ModelPath, e.Node?.Describe(), e);
        }

        Model recovered = trained.Model;
        if (inserted > 0)
        {
            PassPipelines.Build(Passes.OptLevel.O2, options.Passes).Run(recovered, new Passes.PassContext(options.Passes, log));
        }

        foreach (EpochSummary e in trained.Epochs)
        {
            stdout.WriteLine(e.Describe(e.Epoch == trained.BestEpoch));
        }

        if (validation is not null)
        {
            double top1 = Top1(recovered, validation);
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"top-1 on {Path.GetFileName(s.ValidationPath)}: original {originalTop1:F2}%, pruned {prunedTop1:F2}%, recovered {top1:F2}% (drop {originalTop1 - top1:F2})"));
        }

        return recovered;
    }

    /// <summary>--prune-sensitivity: the per-layer table on --eval-data at 25, 50 and 75 % of each layer's channels.</summary>
    public static void WriteSensitivity(Model model, PruningOptions ranking, CompileOptions options, TextWriter stdout)
    {
        string path = options.Int8!.EvalDataPath!;
        SampleSet data = SampleData.Open(path, model, options.Int8.Preprocess);
        SensitivityTable table;
        try
        {
            ranking = WithGradients(model, ranking, options, TextWriter.Null);
            table = PruningSensitivity.Measure(model, ranking, [0.25, 0.5, 0.75], m => Top1(m, data));
        }
        catch (PruningException e)
        {
            throw new InvalidModelException(e.Message, options.ModelPath, inner: e);
        }

        stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"prune sensitivity on {Path.GetFileName(path)} ({data.Count} samples, top-1 {table.BaselineTop1:F2}% unpruned): top-1 drop in points when one layer alone loses a share of its channels"));
        Print(stdout, table.Describe());
    }

    /// <summary>The Taylor criterion's mean gradients, on 8 batches of --data (--batch, default 64); other criteria as they are.</summary>
    private static PruningOptions WithGradients(Model model, PruningOptions ranking, CompileOptions options, TextWriter log)
    {
        if (ranking.Criterion != PruningCriterion.Taylor)
        {
            return ranking;
        }

        const int Batches = 8;
        SampleSet data = SampleData.Open(options.TrainingDataPath!, model, options.Int8?.Preprocess);
        int batch = options.Prune?.Recovery?.BatchSize ?? 64;
        log.WriteLine($"taylor: gradients of the loss on {Batches} batches of {batch} from {Path.GetFileName(options.TrainingDataPath)}");
        try
        {
            return ranking with { Gradients = GradientProbe.MeanGradients(model, data, Batches, batch) };
        }
        catch (TrainingException e)
        {
            throw new InvalidModelException(e.Message, options.ModelPath, e.Node?.Describe(), e);
        }
    }

    private static void Print(TextWriter stdout, IEnumerable<string> lines)
    {
        foreach (string line in lines)
        {
            stdout.WriteLine(line);
        }
    }

    private static double Top1(Model m, SampleSet data)
    {
        using InferenceRunner runner = InferenceRunner.Create(m);
        return AccuracyMeter.Measure(runner, data, batchSize: data.FixedBatchSize ?? 64).Top1;
    }
}
