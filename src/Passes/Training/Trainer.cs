// The training loop: epochs of shuffled, augmented batches through a TrainingSession, validation, best weights.
using System.Diagnostics;
using Onnxc.Evaluation;
using Onnxc.Evaluation.Data;
using Onnxc.Passes.Training.Losses;

namespace Onnxc.Passes.Training;

/// <summary>
/// Trains a forward model on labelled data. Each epoch visits the training indices in an order drawn from the
/// seed, applies the augmentation, builds the label targets (label smoothing included) and, when distilling,
/// the teacher's soft targets from the teacher model run in ORT on the same augmented batch (cached per sample
/// when nothing is augmented). After each epoch the validation set (or the held-out split) is scored; the
/// weights of the best epoch are what the result carries. A loss that is not finite stops the run with a
/// <see cref="TrainingException"/> that names the step.
/// </summary>
public sealed class Trainer
{
    private readonly Model _forward;
    private readonly TrainingSetup _setup;
    private readonly TrainingOptions _options;

    public Trainer(Model forward, TrainingSetup setup, TrainingOptions options)
    {
        options.Validate();
        _forward = forward;
        _setup = setup;
        _options = options;
    }

    public TrainingResult Run(
        SampleSet train,
        SampleSet? validation,
        Model? teacher = null,
        ITrainingProgress? progress = null,
        CancellationToken cancellation = default)
    {
        if (!train.HasLabels)
        {
            throw new SampleDataException($"{train.Path}: the training data has no labels (labels.npy beside the .npy, or labels.txt in an image folder)");
        }

        if (validation is { HasLabels: false })
        {
            throw new SampleDataException($"{validation.Path}: the validation data has no labels");
        }

        if (_setup.Loss.Distillation is not null && teacher is null)
        {
            throw new TrainingException("distillation needs a teacher model");
        }

        TrainingGraph graph = TrainingGraphBuilder.Build(_forward, _setup);
        if (graph.Unreached.Count > 0)
        {
            progress?.Warn($"{graph.Unreached.Count} trainable tensor(s) do not affect the loss and stay unchanged: "
                + string.Join(", ", graph.Unreached.Take(5)) + (graph.Unreached.Count > 5 ? ", ..." : ""));
        }

        int classes = Classes(graph);
        using var session = new TrainingSession(graph, _options.Threads);
        using TeacherRunner? teacherRunner = teacher is null ? null : new TeacherRunner(teacher, _setup.Loss, classes, graph.DataInputs);

        (int[] trainIndices, int[] heldOut) = Split(train.Count);
        int batch = train.FixedBatchSize ?? _options.BatchSize;
        int stepsPerEpoch = (trainIndices.Length + batch - 1) / batch;
        if (train.FixedBatchSize is int k)
        {
            stepsPerEpoch = trainIndices.Length / k;
        }

        stepsPerEpoch = Math.Min(stepsPerEpoch, _options.MaxStepsPerEpoch ?? int.MaxValue);
        if (stepsPerEpoch == 0)
        {
            throw new TrainingException($"{train.Path}: {trainIndices.Length} training samples do not fill one batch of {batch}");
        }

        long totalSteps = (long)stepsPerEpoch * _options.Epochs;
        var epochs = new List<EpochSummary>();
        TensorData[]? best = null;
        double bestAccuracy = double.NegativeInfinity;
        int bestEpoch = 0;
        long step = 0;
        int firstEpoch = 1;
        if (_options.Resume)
        {
            TrainingCheckpoint checkpoint = TrainingCheckpoint.Load(_options.CheckpointDirectory!, graph.Carried);
            for (int i = 0; i < checkpoint.Current.Count; i++)
            {
                session.Load(i, checkpoint.Current[i]);
            }

            best = [.. checkpoint.Best];
            bestAccuracy = checkpoint.BestAccuracy;
            bestEpoch = checkpoint.BestEpoch;
            step = checkpoint.Step;
            epochs.AddRange(checkpoint.History);
            firstEpoch = checkpoint.Epoch + 1;
        }

        for (int epoch = firstEpoch; epoch <= _options.Epochs; epoch++)
        {
            cancellation.ThrowIfCancellationRequested();

            // Drawn from (seed, epoch) alone, so a resumed run shuffles and augments as the uninterrupted one.
            var rng = new Random(unchecked((_options.Seed * 1_000_003) + epoch));
            int[] order = [.. trainIndices];
            rng.Shuffle(order);
            int take = Math.Min(order.Length, stepsPerEpoch * batch);
            progress?.EpochStarted(epoch, _options.Epochs, stepsPerEpoch);
            var clock = Stopwatch.StartNew();
            double lossSum = 0;
            long correct = 0;
            long seen = 0;
            int steps = 0;
            foreach (SampleBatch b in train.Batches(batch, order[..take]))
            {
                cancellation.ThrowIfCancellationRequested();
                foreach (InputTensor t in b.Inputs)
                {
                    _options.Augmentation.Apply(t, rng);
                }

                float[] target = Targets(b, classes, train.Path);
                (float[]? soft, IReadOnlyList<InputTensor> features) = teacherRunner is null
                    ? (null, [])
                    : teacherRunner.Targets(b, _options.Augmentation.IsNone);
                float entropyTerm = soft is null ? 0f : EntropyTerm(soft, b.Count);
                double lr = _options.Schedule.At(step, totalSteps, epoch - 1);
                step++;
                IReadOnlyList<InputTensor> inputs = graph.DropoutMasks.Count == 0 ? b.Inputs
                    : [.. b.Inputs, .. graph.DropoutMasks.Select(m => DrawMask(m, b.Count, rng))];
                (float loss, float[] logits) = session.Step(inputs, target, soft, entropyTerm, features,
                    Optimizers.OptimizerGraph.StepScalars(_setup.Optimizer, lr, step));
                if (!float.IsFinite(loss))
                {
                    throw new TrainingException($"the loss became {loss} at step {step} (epoch {epoch}); lower --lr, or check the data");
                }

                lossSum += loss * b.Count;
                correct += Correct(logits, b.Labels!, classes);
                seen += b.Count;
                steps++;
                progress?.StepDone(steps, loss, seen / Math.Max(1e-9, clock.Elapsed.TotalSeconds));
            }

            double seconds = clock.Elapsed.TotalSeconds;
            double? valAccuracy = validation is not null ? Score(session, validation, null, classes)
                : heldOut.Length > 0 ? Score(session, train, heldOut, classes)
                : null;
            var summary = new EpochSummary(epoch, steps, lossSum / seen, (double)correct / seen, valAccuracy, seen / seconds, seconds, Environment.WorkingSet);
            epochs.Add(summary);
            bool isBest = valAccuracy is null || valAccuracy > bestAccuracy;
            if (isBest)
            {
                bestAccuracy = valAccuracy ?? double.NegativeInfinity;
                bestEpoch = epoch;
                best = Snapshot(session);
            }

            if (_options.CheckpointDirectory is { } dir)
            {
                new TrainingCheckpoint(epoch, step, bestEpoch, bestAccuracy, Snapshot(session), best!, epochs).Save(dir, graph.Carried);
            }

            progress?.EpochDone(summary, isBest);
        }

        if (best is null)
        {
            throw new TrainingException($"the checkpoint is at epoch {firstEpoch - 1} of {_options.Epochs}: nothing is left to train; raise --epochs");
        }

        Model result = Restore(session, best);
        return new TrainingResult(result, epochs, bestEpoch, step);
    }

    /// <summary>Top-1 of the evaluation graph with the current weights, over <paramref name="indices"/> (all when null).</summary>
    private double Score(TrainingSession session, SampleSet data, IReadOnlyList<int>? indices, int classes)
    {
        int batch = data.FixedBatchSize ?? Math.Max(_options.BatchSize, 256);
        long correct = 0;
        long seen = 0;
        foreach (SampleBatch b in data.Batches(batch, indices))
        {
            float[] logits = session.Evaluate(b.Inputs);
            CheckLabels(b, classes, data.Path);
            correct += Correct(logits, b.Labels!, classes);
            seen += b.Count;
        }

        return (double)correct / Math.Max(1, seen);
    }

    private (int[] Train, int[] HeldOut) Split(int count)
    {
        int[] all = [.. Enumerable.Range(0, count)];
        if (_options.ValidationSplit <= 0)
        {
            return (all, []);
        }

        int held = (int)Math.Round(count * _options.ValidationSplit);
        new Random(_options.Seed ^ 0x5eed).Shuffle(all);
        int[] heldOut = all[..held];
        int[] train = all[held..];
        Array.Sort(heldOut);
        Array.Sort(train);
        return (train, heldOut);
    }

    private float[] Targets(SampleBatch b, int classes, string path) => LabelTargets(b, classes, path, _setup.Loss.LabelSmoothing);

    /// <summary>The label distributions q [B,K]: 1−ε+ε/K on the label, ε/K elsewhere (labels checked against K).</summary>
    internal static float[] LabelTargets(SampleBatch b, int classes, string path, double eps)
    {
        CheckLabels(b, classes, path);
        var q = new float[b.Count * classes];
        Array.Fill(q, (float)(eps / classes));
        for (int i = 0; i < b.Count; i++)
        {
            q[(i * classes) + (int)b.Labels![i]] = (float)(1 - eps + (eps / classes));
        }

        return q;
    }

    /// <summary>c = α·T²·mean_n Σ_k p·log p of the soft targets (0·log 0 = 0), which turns the loss's cross-entropy into the KL.</summary>
    private float EntropyTerm(float[] soft, int batch)
    {
        DistillationSettings d = _setup.Loss.Distillation!;
        double sum = 0;
        foreach (float p in soft)
        {
            sum += p > 0 ? p * Math.Log(p) : 0;
        }

        return (float)(d.Alpha * d.Temperature * d.Temperature * sum / batch);
    }

    private static void CheckLabels(SampleBatch b, int classes, string path)
    {
        for (int i = 0; i < b.Count; i++)
        {
            long label = b.Labels![i];
            if (label < 0 || label >= classes)
            {
                throw new SampleDataException($"{Path.GetFileName(path)}: label {label} of sample {b.Indices[i]} is outside [0, {classes}), the model's classes");
            }
        }
    }

    private static long Correct(float[] logits, IReadOnlyList<long> labels, int classes)
    {
        long correct = 0;
        for (int i = 0; i < labels.Count; i++)
        {
            ReadOnlySpan<float> row = logits.AsSpan(i * classes, classes);
            int arg = 0;
            for (int k = 1; k < classes; k++)
            {
                if (row[k] > row[arg])
                {
                    arg = k;
                }
            }

            correct += arg == labels[i] ? 1 : 0;
        }

        return correct;
    }

    /// <summary>A dropout mask for a batch of <paramref name="count"/>, drawn from the epoch's stream.</summary>
    /// <summary>A Dropout mask's dims for a batch of <paramref name="count"/> (its symbolic batch dimension filled in).</summary>
    internal static long[] MaskDims(DropoutTraining.Mask mask, int count)
    {
        long[] dims = [.. mask.Dims];
        if (dims[0] < 0)
        {
            dims[0] = count;
        }

        return dims;
    }

    private static InputTensor DrawMask(DropoutTraining.Mask mask, int count, Random rng)
    {
        long[] dims = MaskDims(mask, count);
        var data = new float[TensorData.CountElements(dims)];
        DropoutTraining.Draw(mask.Ratio, rng, data);
        return new InputTensor(mask.Input, dims, data);
    }

    /// <summary>The class count of the logits, which must be static.</summary>
    internal static int Classes(TrainingGraph graph)
    {
        Value logits = graph.Model.Graph.FindValue(graph.Logits)!;
        return logits.Shape is { Rank: 2 } s && s[1].Value is long k && k > 0
            ? checked((int)k)
            : throw new TrainingException($"the logits '{graph.Logits}' need a static class count, not {logits.Shape}");
    }

    private static TensorData[] Snapshot(TrainingSession session) =>
        [.. Enumerable.Range(0, session.Graph.Carried.Count).Select(session.Read)];

    private Model Restore(TrainingSession session, TensorData[] weights)
    {
        for (int i = 0; i < weights.Length; i++)
        {
            session.Load(i, weights[i]);
        }

        return session.ExportInto(_forward);
    }

    /// <summary>The teacher model in ORT: soft targets softmax(t/T) and feature tensors for a batch.</summary>
    private sealed class TeacherRunner : IDisposable
    {
        private readonly InferenceRunner _runner;
        private readonly string[] _outputs;
        private readonly string _input;
        private readonly IReadOnlyList<string> _studentInputs;
        private readonly double _temperature;
        private readonly int _classes;
        private readonly Dictionary<int, float[]> _cache = [];

        public TeacherRunner(Model teacher, LossSettings loss, int classes, IReadOnlyList<string> studentInputs)
        {
            Value[] inputs = [.. teacher.Graph.Inputs.Where(v => !v.IsInitializer)];
            if (inputs.Length != studentInputs.Count)
            {
                throw new TrainingException($"the teacher has {inputs.Length} inputs and the student {studentInputs.Count}");
            }

            _input = inputs[0].Name;
            _studentInputs = studentInputs;
            Value logits = TrainingGraphBuilder.ResolveLogits(teacher.Graph, null);
            if (logits.Shape is { Rank: 2 } s && s[1].Value is long k && k != classes)
            {
                throw new TrainingException($"the teacher's output '{logits.Name}' has {k} classes and the student's {classes}");
            }

            _outputs = [logits.Name, .. loss.Features.Select(f => f.Teacher)];
            foreach (FeatureLoss f in loss.Features)
            {
                if (teacher.Graph.FindValue(f.Teacher) is null)
                {
                    throw new TrainingException($"--feature {f.Student}:{f.Teacher}: the teacher has no tensor '{f.Teacher}'");
                }
            }

            _runner = InferenceRunner.Create(teacher, _outputs);
            _temperature = loss.Distillation!.Temperature;
            _classes = classes;
        }

        public (float[] Soft, IReadOnlyList<InputTensor> Features) Targets(SampleBatch batch, bool cacheable)
        {
            cacheable &= _outputs.Length == 1;
            if (cacheable && batch.Indices.All(_cache.ContainsKey))
            {
                return ([.. batch.Indices.SelectMany(i => _cache[i])], []);
            }

            InputTensor[] inputs = [.. batch.Inputs.Select((t, i) => t with { Name = i == 0 ? _input : t.Name })];
            IReadOnlyList<OutputTensor> outputs = _runner.Run(inputs, _outputs);
            float[] t = outputs[0].Data;
            if (t.Length != batch.Count * _classes)
            {
                throw new TrainingException($"the teacher's output has {t.Length} values for {batch.Count} samples of {_classes} classes");
            }

            var soft = new float[t.Length];
            for (int i = 0; i < batch.Count; i++)
            {
                Softmax(t.AsSpan(i * _classes, _classes), soft.AsSpan(i * _classes, _classes), _temperature);
                if (cacheable)
                {
                    _cache[batch.Indices[i]] = soft.AsSpan(i * _classes, _classes).ToArray();
                }
            }

            var features = new List<InputTensor>();
            for (int f = 1; f < outputs.Count; f++)
            {
                features.Add(new InputTensor(LossGraph.TeacherFeaturePrefix + (f - 1), [.. outputs[f].Shape], outputs[f].Data));
            }

            return (soft, features);
        }

        public void Dispose() => _runner.Dispose();

        private static void Softmax(ReadOnlySpan<float> z, Span<float> p, double temperature)
        {
            double max = double.NegativeInfinity;
            foreach (float v in z)
            {
                max = Math.Max(max, v / temperature);
            }

            double sum = 0;
            for (int k = 0; k < z.Length; k++)
            {
                double e = Math.Exp((z[k] / temperature) - max);
                p[k] = (float)e;
                sum += e;
            }

            for (int k = 0; k < z.Length; k++)
            {
                p[k] = (float)(p[k] / sum);
            }
        }
    }
}
