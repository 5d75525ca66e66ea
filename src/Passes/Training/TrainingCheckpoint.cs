// A resumable snapshot of a training run, written atomically as an ONNX file of tensors plus metadata.
using System.Globalization;
using Onnxc.GraphIR.Onnx;

namespace Onnxc.Passes.Training;

/// <summary>
/// What a run needs to continue after epoch <see cref="Epoch"/>: every carried tensor as it is now (weights,
/// optimizer state, statistics), the best epoch's parameters and buffers, and the history. It is stored as
/// <c>checkpoint.onnx</c> in the checkpoint folder: an ONNX model with no nodes whose initializers are
/// <c>current/NAME</c> and <c>best/NAME</c>, and whose metadata holds the counters. The file is written to a
/// temporary name and renamed, so an interrupted run leaves the previous complete checkpoint.
/// Shuffling and augmentation are drawn per epoch from (seed, epoch), so resuming replays exactly.
/// </summary>
public sealed record TrainingCheckpoint(
    int Epoch,
    long Step,
    int BestEpoch,
    double BestAccuracy,
    IReadOnlyList<TensorData> Current,
    IReadOnlyList<TensorData> Best,
    IReadOnlyList<EpochSummary> History)
{
    public const string FileName = "checkpoint.onnx";

    public static string PathIn(string directory) => System.IO.Path.Combine(directory, FileName);

    public void Save(string directory, IReadOnlyList<CarriedTensor> carried)
    {
        Directory.CreateDirectory(directory);
        var model = new Model("onnxc_checkpoint") { IrVersion = 8, ProducerName = "onnxc" };
        model.SetOpset("", 13);
        for (int i = 0; i < carried.Count; i++)
        {
            model.Graph.AddInitializer("current/" + carried[i].Input, Current[i]);
            model.Graph.AddInitializer("best/" + carried[i].Input, Best[i]);
        }

        var meta = new List<KeyValuePair<string, string>>
        {
            new("epoch", Epoch.ToString(CultureInfo.InvariantCulture)),
            new("step", Step.ToString(CultureInfo.InvariantCulture)),
            new("best_epoch", BestEpoch.ToString(CultureInfo.InvariantCulture)),
            new("best_accuracy", BestAccuracy.ToString("R", CultureInfo.InvariantCulture)),
        };
        foreach (EpochSummary e in History)
        {
            meta.Add(new($"history/{e.Epoch}", string.Join(' ', new double[]
            {
                e.Steps, e.MeanLoss, e.TrainAccuracy, e.ValidationAccuracy ?? double.NaN, e.SamplesPerSecond, e.Seconds, e.WorkingSetBytes,
            }.Select(v => v.ToString("R", CultureInfo.InvariantCulture)))));
        }

        model.Metadata = [.. meta];
        OnnxExporter.Save(model, PathIn(directory));
    }

    /// <summary>Reads the checkpoint in <paramref name="directory"/> and checks it matches <paramref name="carried"/>.</summary>
    public static TrainingCheckpoint Load(string directory, IReadOnlyList<CarriedTensor> carried)
    {
        string path = PathIn(directory);
        if (!File.Exists(path))
        {
            throw new TrainingException($"{path}: no checkpoint to resume from");
        }

        Model model;
        try
        {
            model = OnnxImporter.Load(path);
        }
        catch (InvalidModelException e)
        {
            throw new TrainingException($"{path}: not a checkpoint: {e.Message}");
        }

        Dictionary<string, string> meta = model.Metadata.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        var current = new List<TensorData>();
        var best = new List<TensorData>();
        foreach (CarriedTensor c in carried)
        {
            TensorData now = model.Graph.FindValue("current/" + c.Input)?.Initializer
                ?? throw new TrainingException($"{path}: the checkpoint has no '{c.Input}'; it belongs to another model or optimizer");
            TensorData good = model.Graph.FindValue("best/" + c.Input)?.Initializer
                ?? throw new TrainingException($"{path}: the checkpoint has no best '{c.Input}'");
            if (!now.Dims.SequenceEqual(c.Initial.Dims))
            {
                throw new TrainingException($"{path}: '{c.Input}' is {now} in the checkpoint but the model's is {c.Initial}");
            }

            current.Add(now);
            best.Add(good);
        }

        try
        {
            var history = meta.Where(p => p.Key.StartsWith("history/", StringComparison.Ordinal))
                .Select(p =>
                {
                    double[] v = [.. p.Value.Split(' ').Select(s => double.Parse(s, CultureInfo.InvariantCulture))];
                    return new EpochSummary(int.Parse(p.Key["history/".Length..], CultureInfo.InvariantCulture), (int)v[0], v[1], v[2],
                        double.IsNaN(v[3]) ? null : v[3], v[4], v[5], (long)v[6]);
                })
                .OrderBy(e => e.Epoch)
                .ToList();
            return new TrainingCheckpoint(
                int.Parse(meta["epoch"], CultureInfo.InvariantCulture),
                long.Parse(meta["step"], CultureInfo.InvariantCulture),
                int.Parse(meta["best_epoch"], CultureInfo.InvariantCulture),
                double.Parse(meta["best_accuracy"], CultureInfo.InvariantCulture),
                current,
                best,
                history);
        }
        catch (Exception e) when (e is KeyNotFoundException or FormatException or IndexOutOfRangeException)
        {
            throw new TrainingException($"{path}: the checkpoint's counters are damaged ({e.Message})");
        }
    }
}
