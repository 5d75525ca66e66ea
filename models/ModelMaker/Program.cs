// Entry point: regenerates every file of models/ (data sets, trained model) and reports how good the model is.
using System.Diagnostics;
using System.Security.Cryptography;
using Microsoft.ML.OnnxRuntime;

namespace Onnxc.ModelMaker;

/// <summary>
/// Usage: onnxc-modelmaker [--out DIR] (default DIR: models). Writes DIR/shapes-cnn.onnx,
/// DIR/shapes-calib/{images,labels}.npy and DIR/shapes-test/{images,labels}.npy; the same command always writes
/// the same bytes. Prints training progress, the accuracy on the test split in our own arithmetic and in
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
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] == "--out" && i + 1 < args.Length)
            {
                outDir = args[++i];
            }
            else
            {
                Console.Error.WriteLine($"onnxc-modelmaker: unknown argument '{args[i]}'; usage: onnxc-modelmaker [--out DIR]");
                return 2;
            }
        }

        try
        {
            Run(outDir);
            return 0;
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or OnnxRuntimeException or Passes.Training.TrainingException or Evaluation.Data.SampleDataException)
        {
            Console.Error.WriteLine($"onnxc-modelmaker: {e.Message}");
            return 1;
        }
    }

    private static void Run(string outDir)
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
        string modelPath = Path.Combine(outDir, "shapes-cnn.onnx");
        var clock = Stopwatch.StartNew();
        Passes.Training.TrainingResult trained;
        try
        {
            WriteSplit(train, trainDir);
            trained = ShapesModel.Train(Path.Combine(trainDir, "images.npy"), Seeds.TrainingSeed, new ConsoleProgress(Console.Out));
        }
        finally
        {
            Directory.Delete(trainDir, recursive: true);
        }

        double trainSeconds = clock.Elapsed.TotalSeconds;
        GraphIR.Onnx.OnnxExporter.Save(trained.Model, modelPath);

        // The stated accuracy is ONNX Runtime's on x = pixel / 255; pixel * 0.00392156862745098 (the compiler's
        // --preprocess scale) must give the same count, or the README's number would depend on the spelling.
        Scores ort = Scores.Of(OrtEvaluator.Predict(modelPath, test, p => p / 255f), test.Labels, ShapeRenderer.ClassCount);
        Scores ortScaled = Scores.Of(
            OrtEvaluator.Predict(modelPath, test, p => p * 0.00392156862745098f), test.Labels, ShapeRenderer.ClassCount);
        Console.WriteLine($"training: {ShapesModel.Epochs} epochs by onnxc's training pass, {trainSeconds:F1} s");
        Console.WriteLine($"test accuracy, ONNX Runtime, pixel / 255:    {ort}");
        Console.WriteLine($"test accuracy, ONNX Runtime, pixel * scale:  {ortScaled}");
        if (ort.Correct != ortScaled.Correct)
        {
            throw new InvalidOperationException("the two spellings of the preprocessing disagree on the accuracy");
        }

        foreach (string file in new[] { modelPath, Path.Combine(calibDir, "images.npy"), Path.Combine(calibDir, "labels.npy"),
                     Path.Combine(testDir, "images.npy"), Path.Combine(testDir, "labels.npy") })
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
