// onnxc train and distill on a small synthetic task: they learn, write only a complete model, and refuse bad input.
using Onnxc.GraphIR;
using Onnxc.GraphIR.Onnx;
using Onnxc.Passes.Training.Networks;
using Onnxc.TestSupport;

namespace Onnxc.Driver.Tests;

public sealed class TrainCommandTests : IDisposable
{
    private const int Classes = 4;
    private const string Scale = "scale=0.00392156862745098";
    private readonly TempDir _dir = new("onnxc-train");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void TrainLearnsTheTaskAndWritesTheSameModelWithNewWeights()
    {
        string model = Mlp("mlp.onnx", Classes);
        byte[] before = File.ReadAllBytes(model);
        (string train, string val) = (Data("train", 512, seed: 1), Data("val", 256, seed: 2));
        string output = _dir.File("out.onnx");
        CliResult r = CliRunner.Run("train", model, "--data", train, "--val-data", val, "--preprocess", Scale, "--epochs", "3", "--batch", "32",
            "--lr", "0.05", "-o", output);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal(before, File.ReadAllBytes(model));

        // The last epoch's validation top-1 is printed; the task is easy, so it is high.
        string last = r.Stdout.Split('\n').Last(l => l.StartsWith("epoch 3:", StringComparison.Ordinal));
        double accuracy = double.Parse(last.Split("val top-1 ")[1].Split('%')[0], System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(accuracy > 90, r.Stdout);

        Model a = OnnxImporter.Load(model);
        Model b = OnnxImporter.Load(output);
        Assert.Equal(a.Graph.Inputs.Select(v => v.Name), b.Graph.Inputs.Select(v => v.Name));
        Assert.Equal(a.Graph.Outputs.Select(v => v.Name), b.Graph.Outputs.Select(v => v.Name));
        Assert.Equal(a.Graph.Nodes.Select(n => n.OpType), b.Graph.Nodes.Select(n => n.OpType));
        Assert.Equal(a.Opsets.Select(o => o.ToString()), b.Opsets.Select(o => o.ToString()));
        Assert.NotEqual(a.Graph.FindValue("fc2.weight")!.Initializer!.ToFloats(), b.Graph.FindValue("fc2.weight")!.Initializer!.ToFloats());
    }

    [Fact]
    public void TheSameSeedGivesTheSameBytes()
    {
        string model = Mlp("mlp.onnx", Classes);
        string train = Data("train", 256, seed: 1);
        string[] common = ["train", model, "--data", train, "--preprocess", Scale, "--epochs", "1", "--batch", "32", "--crop-padding", "1", "--flip", "--seed", "5"];
        Assert.Equal(0, CliRunner.Run([.. common, "-o", _dir.File("a.onnx")]).ExitCode);
        Assert.Equal(0, CliRunner.Run([.. common, "-o", _dir.File("b.onnx")]).ExitCode);
        Assert.Equal(0, CliRunner.Run([.. common[..^1], "6", "-o", _dir.File("c.onnx")]).ExitCode);
        Assert.Equal(File.ReadAllBytes(_dir.File("a.onnx")), File.ReadAllBytes(_dir.File("b.onnx")));
        Assert.NotEqual(File.ReadAllBytes(_dir.File("a.onnx")), File.ReadAllBytes(_dir.File("c.onnx")));
    }

    [Fact]
    public void FreezeBnStatsKeepsTheShippedModelsRunningStatistics()
    {
        string models = Path.Combine(SharedData.RepoRoot, "models");
        string model = Path.Combine(models, "shapes-cnn.onnx");
        string output = _dir.File("frozen.onnx");
        CliResult r = CliRunner.Run("train", model, "--data", Path.Combine(models, "shapes-calib", "images.npy"), "--preprocess", Scale,
            "--epochs", "1", "--batch", "32", "--lr", "0.002", "--optimizer", "adamw", "--freeze-bn-stats", "-o", output);
        Assert.True(r.ExitCode == 0, r.ToString());
        Model a = OnnxImporter.Load(model);
        Model b = OnnxImporter.Load(output);
        Node bn = a.Graph.Nodes.First(n => n.OpType == "BatchNormalization");
        float[] Values(Model m, Value v) => m.Graph.FindValue(v.Name)!.Initializer!.ToFloats();
        Assert.Equal(Values(a, bn.Inputs[3]!), Values(b, bn.Inputs[3]!));
        Assert.Equal(Values(a, bn.Inputs[4]!), Values(b, bn.Inputs[4]!));
        Assert.NotEqual(Values(a, bn.Inputs[1]!), Values(b, bn.Inputs[1]!));
    }

    [Fact]
    public void ResumingFromACheckpointGivesWhatTheUninterruptedRunGives()
    {
        string model = Mlp("mlp.onnx", Classes);
        string train = Data("train", 256, seed: 1);
        string checkpoint = _dir.File("ckpt");
        string[] common = ["train", model, "--data", train, "--preprocess", Scale, "--batch", "32", "--val-split", "0.25", "--optimizer", "adamw", "--lr", "0.003"];
        Assert.Equal(0, CliRunner.Run([.. common, "--epochs", "3", "-o", _dir.File("full.onnx")]).ExitCode);
        Assert.Equal(0, CliRunner.Run([.. common, "--epochs", "1", "--checkpoint", checkpoint, "-o", _dir.File("part.onnx")]).ExitCode);
        CliResult resumed = CliRunner.Run([.. common, "--epochs", "3", "--checkpoint", checkpoint, "--resume", "-o", _dir.File("resumed.onnx")]);
        Assert.True(resumed.ExitCode == 0, resumed.ToString());
        Assert.Equal(File.ReadAllBytes(_dir.File("full.onnx")), File.ReadAllBytes(_dir.File("resumed.onnx")));
    }

    [Fact]
    public void SaveTrainingGraphWritesAStandardOnnxStep()
    {
        string model = Mlp("mlp.onnx", Classes);
        string graph = _dir.File("step.onnx");
        CliResult r = CliRunner.Run("train", model, "--data", Data("train", 64, seed: 1), "--optimizer", "adamw",
            "--save-training-graph", graph, "-o", _dir.File("out.onnx"));
        Assert.True(r.ExitCode == 0, r.ToString());
        Model step = OnnxImporter.Load(graph);
        Assert.Contains("loss", step.Graph.Outputs.Select(o => o.Name));
        Assert.Contains("fc2.weight.updated", step.Graph.Outputs.Select(o => o.Name));
        Assert.Contains("fc2.weight.adam_m", step.Graph.Inputs.Select(o => o.Name));
        Assert.All(step.Graph.Nodes, n => Assert.True(n.IsDefaultDomain, n.Describe()));
    }

    [Fact]
    public void DistillTrainsAStudentFromATeacher()
    {
        string student = Mlp("student.onnx", Classes, hidden: 8, seed: 4);
        string teacher = Mlp("teacher.onnx", Classes, hidden: 32, seed: 5);
        string train = Data("train", 256, seed: 1);
        CliResult t = CliRunner.Run("train", teacher, "--data", train, "--preprocess", Scale, "--epochs", "2", "--lr", "0.05", "-o", _dir.File("teacher-trained.onnx"));
        Assert.True(t.ExitCode == 0, t.ToString());
        CliResult r = CliRunner.Run("distill", student, "--teacher", _dir.File("teacher-trained.onnx"), "--data", train, "--preprocess", Scale,
            "--val-data", Data("val", 128, seed: 2), "--epochs", "2", "--lr", "0.05", "--temperature", "2", "--alpha", "0.5",
            "--feature", "fc2_out:fc2_out:0", "-o", _dir.File("out.onnx"));

        // A zero feature weight is refused: a term that does nothing is a mistake.
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("weight 0 must be > 0", r.Stderr);
        r = CliRunner.Run("distill", student, "--teacher", _dir.File("teacher-trained.onnx"), "--data", train, "--preprocess", Scale,
            "--val-data", Data("val", 128, seed: 2), "--epochs", "2", "--lr", "0.05", "--temperature", "2", "--alpha", "0.5",
            "-o", _dir.File("out.onnx"));
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.True(File.Exists(_dir.File("out.onnx")));
    }

    [Fact]
    public void ATeacherWithOtherClassesIsRefused()
    {
        string student = Mlp("student.onnx", Classes);
        string teacher = Mlp("teacher.onnx", Classes + 1);
        CliResult r = CliRunner.Run("distill", student, "--teacher", teacher, "--data", Data("train", 64, seed: 1), "-o", _dir.File("out.onnx"));
        AssertRefused(r, "5 classes and the student's 4");
    }

    [Fact]
    public void DataWithoutLabelsIsRefused()
    {
        string data = Data("train", 64, seed: 1);
        File.Delete(Path.Combine(Path.GetDirectoryName(data)!, "labels.npy"));
        AssertRefused(CliRunner.Run("train", Mlp("mlp.onnx", Classes), "--data", data, "-o", _dir.File("out.onnx")), "has no labels");
    }

    [Fact]
    public void ALabelOutsideTheClassesIsRefused()
    {
        string data = Data("train", 64, seed: 1, badLabel: 7);
        AssertRefused(CliRunner.Run("train", Mlp("mlp.onnx", Classes), "--data", data, "-o", _dir.File("out.onnx")), "label 7 of sample");
    }

    [Fact]
    public void DataOfTheWrongShapeIsRefused()
    {
        string dir = Directory.CreateDirectory(_dir.File("wrong")).FullName;
        NpyWriter.WriteUInt8(Path.Combine(dir, "images.npy"), [16, 5, 5], new byte[16 * 25]);
        NpyWriter.WriteInt64(Path.Combine(dir, "labels.npy"), [16], new long[16]);
        AssertRefused(CliRunner.Run("train", Mlp("mlp.onnx", Classes), "--data", Path.Combine(dir, "images.npy"), "-o", _dir.File("out.onnx")), "images.npy");
    }

    [Fact]
    public void AModelWithNothingToTrainIsRefused()
    {
        string model = Mlp("mlp.onnx", Classes);
        AssertRefused(CliRunner.Run("train", model, "--data", Data("train", 64, seed: 1), "--freeze", "Gemm", "-o", _dir.File("out.onnx")),
            "nothing is left to train");
    }

    [Fact]
    public void ALossThatBecomesNaNStopsAndSaysWhere()
    {
        CliResult r = CliRunner.Run("train", Mlp("mlp.onnx", Classes), "--data", Data("train", 256, seed: 1), "--lr", "1e30",
            "--checkpoint", _dir.File("ckpt"), "-o", _dir.File("out.onnx"));
        AssertRefused(r, "the loss became");
        Assert.Contains("at step", r.Stderr);
    }

    [Fact]
    public void BadOptionsAreUsageErrors()
    {
        string model = Mlp("mlp.onnx", Classes);
        string data = Data("train", 64, seed: 1);
        Assert.Equal(1, CliRunner.Run("train", model, "--data", data, "--optimizer", "rmsprop", "-o", _dir.File("o.onnx")).ExitCode);
        Assert.Equal(1, CliRunner.Run("train", model, "--data", data, "-o", model).ExitCode);
        Assert.Equal(1, CliRunner.Run("distill", model, "--data", data, "-o", _dir.File("o.onnx")).ExitCode);
        AssertRefused(CliRunner.Run("train", model, "--data", data, "--resume", "-o", _dir.File("o.onnx")), "--resume needs --checkpoint");
    }

    private void AssertRefused(CliResult r, string message)
    {
        Assert.True(r.ExitCode == 2, r.ToString());
        Assert.Single(r.ErrorLines, l => l.StartsWith("onnxc: error:", StringComparison.Ordinal));
        Assert.Contains(message, r.Stderr);
        Assert.False(File.Exists(_dir.File("out.onnx")), "an output was written");
        Assert.Empty(Directory.GetFiles(_dir.Path, "*.tmp", SearchOption.AllDirectories));
    }

    private string Mlp(string name, int classes, int hidden = 16, int seed = 3)
    {
        Model m = new NetworkBuilder("input", 1, 8, 8, seed).Flatten().Dense(hidden).Relu().Dense(classes).Build();
        string path = _dir.File(name);
        OnnxExporter.Save(m, path);
        return path;
    }

    /// <summary>8×8 noise images whose class is the quadrant that is brighter.</summary>
    private string Data(string name, int count, int seed, long? badLabel = null)
    {
        var rng = new Random(seed);
        var images = new byte[count * 64];
        var labels = new long[count];
        for (int i = 0; i < count; i++)
        {
            int q = rng.Next(Classes);
            labels[i] = i == count / 2 && badLabel is { } bad ? bad : q;
            for (int y = 0; y < 8; y++)
            {
                for (int x = 0; x < 8; x++)
                {
                    bool inQuadrant = (y / 4 * 2) + (x / 4) == q;
                    images[(i * 64) + (y * 8) + x] = (byte)(rng.Next(100) + (inQuadrant ? 120 : 0));
                }
            }
        }

        string dir = Directory.CreateDirectory(_dir.File(name)).FullName;
        NpyWriter.WriteUInt8(Path.Combine(dir, "images.npy"), [count, 8, 8], images);
        NpyWriter.WriteInt64(Path.Combine(dir, "labels.npy"), [count], labels);
        return Path.Combine(dir, "images.npy");
    }
}
