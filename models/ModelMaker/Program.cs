// Entry point: regenerates every file of models/ (data sets, trained model) and reports how good the model is.
using System.Diagnostics;
using System.Security.Cryptography;
using Microsoft.ML.OnnxRuntime;

namespace Onnxc.ModelMaker;

/// <summary>
/// Usage: onnxc-modelmaker [--out DIR] [--only MODEL] (default DIR: models). Writes DIR/shapes-cnn.onnx,
/// DIR/shapes-wide.onnx (or only MODEL of them), DIR/shapes-calib/{images,labels}.npy and
/// DIR/shapes-test/{images,labels}.npy; the same command always writes the same bytes. Prints training progress, the accuracy on the test split in our own arithmetic and in
/// ONNX Runtime, and a SHA-256 per file.
/// </summary>
internal static class Program
{
    public const int TrainCount = 16000;
    public const int CalibrationCount = 256;
    public const int TestCount = 2000;

    private static int Main(string[] args)
    {
        string outDir = "models";
        string? only = null;
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] == "--out" && i + 1 < args.Length)
            {
                outDir = args[++i];
            }
            else if (args[i] == "--only" && i + 1 < args.Length && args[i + 1] is "shapes-cnn.onnx" or "shapes-wide.onnx")
            {
                only = args[++i];
            }
            else
            {
                Console.Error.WriteLine($"onnxc-modelmaker: unknown argument '{args[i]}'; usage: onnxc-modelmaker [--out DIR] [--only shapes-cnn.onnx|shapes-wide.onnx]");
                return 2;
            }
        }

        try
        {
            Run(outDir, only);
            return 0;
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or OnnxRuntimeException or Passes.Training.TrainingException or Evaluation.Data.SampleDataException)
        {
            Console.Error.WriteLine($"onnxc-modelmaker: {e.Message}");
            return 1;
        }
    }

    private static void Run(string outDir, string? only)
    {
        var total = Stopwatch.StartNew();
        int size = ShapeRenderer.ImageSize;
        ShapesSplit train = ShapesSplit.Generate(Seeds.Train, TrainCount, size);
        ShapesSplit calibration = ShapesSplit.Generate(Seeds.Calibration, CalibrationCount, size);
        ShapesSplit test = ShapesSplit.Generate(Seeds.Test, TestCount, size);
        CheckDisjoint(train, calibration, test);
        Console.WriteLine($"data: {TrainCount} train, {CalibrationCount} calibration, {TestCount} test images " +
            $"of {size}x{size}, {total.Elapsed.TotalSeconds:F1} s");

        string calibDir = Path.Combine(outDir, "shapes-calib");
        string testDir = Path.Combine(outDir, "shapes-test");
        Directory.CreateDirectory(calibDir);
        Directory.CreateDirectory(testDir);
        WriteSplit(calibration, calibDir);
        WriteSplit(test, testDir);

        // The training split goes through the same data reader `onnxc train` uses, from a temporary .npy.
        string trainDir = Path.Combine(Path.GetTempPath(), $"onnxc-modelmaker-{Environment.ProcessId}");
        Directory.CreateDirectory(trainDir);
        var modelPaths = new List<string>();
        try
        {
            WriteSplit(train, trainDir);
            foreach (ShapesModel shapes in new[] { ShapesModel.Small, ShapesModel.Wide }.Where(m => only is null || m.FileName == only))
            {
                string modelPath = Path.Combine(outDir, shapes.FileName);
                var clock = Stopwatch.StartNew();
                Passes.Training.TrainingResult trained = shapes.Train(Path.Combine(trainDir, "images.npy"), Seeds.TrainingSeed, new ConsoleProgress(Console.Out, shapes.FileName));
                double trainSeconds = clock.Elapsed.TotalSeconds;
                GraphIR.Onnx.OnnxExporter.Save(trained.Model, modelPath);
                modelPaths.Add(modelPath);

                // The stated accuracy is ONNX Runtime's on x = pixel / 255; pixel * 0.00392156862745098 (the compiler's
                // --preprocess scale) must give the same count, or the README's number would depend on the spelling.
                Scores ort = Scores.Of(OrtEvaluator.Predict(modelPath, test, p => p / 255f), test.Labels, ShapeRenderer.ClassCount);
                Scores ortScaled = Scores.Of(
                    OrtEvaluator.Predict(modelPath, test, p => p * 0.00392156862745098f), test.Labels, ShapeRenderer.ClassCount);
                Console.WriteLine($"{shapes.FileName}: {shapes.Epochs} epochs by onnxc's training pass, {trainSeconds:F1} s");
                Console.WriteLine($"{shapes.FileName}: test accuracy, ONNX Runtime, pixel / 255:    {ort}");
                Console.WriteLine($"{shapes.FileName}: test accuracy, ONNX Runtime, pixel * scale:  {ortScaled}");
                if (ort.Correct != ortScaled.Correct)
                {
                    throw new InvalidOperationException($"{shapes.FileName}: the two spellings of the preprocessing disagree on the accuracy");
                }
            }
        }
        finally
        {
            Directory.Delete(trainDir, recursive: true);
        }

        foreach (string file in modelPaths.Concat([Path.Combine(calibDir, "images.npy"), Path.Combine(calibDir, "labels.npy"),
                     Path.Combine(testDir, "images.npy"), Path.Combine(testDir, "labels.npy")]))
        {
            byte[] bytes = File.ReadAllBytes(file);
            Console.WriteLine($"{Convert.ToHexStringLower(SHA256.HashData(bytes))}  {bytes.Length,9}  {file}");
        }

        Console.WriteLine($"total: {total.Elapsed.TotalSeconds:F1} s");
    }

    private static void WriteSplit(ShapesSplit split, string dir)
    {
        NpyWriter.WriteUInt8(Path.Combine(dir, "images.npy"), split.Images, split.Count, split.Size, split.Size);
        NpyWriter.WriteInt64(Path.Combine(dir, "labels.npy"), split.Labels, split.Count);
    }

    /// <summary>No image may appear in two splits: seeds differ, and this checks the pixels themselves.</summary>
    private static void CheckDisjoint(ShapesSplit train, ShapesSplit calibration, ShapesSplit test)
    {
        var seen = new Dictionary<string, string>();
        foreach ((string name, ShapesSplit split) in new[] { ("train", train), ("calibration", calibration), ("test", test) })
        {
            for (int i = 0; i < split.Count; i++)
            {
                string key = Convert.ToBase64String(split.Image(i));
                if (!seen.TryAdd(key, $"{name}[{i}]"))
                {
                    throw new InvalidOperationException($"{name}[{i}] repeats {seen[key]}");
                }
            }
        }
    }
}
