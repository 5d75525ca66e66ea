// onnxc -O int8 --qat on the shipped model: trains with fake quantization and writes an integer QDQ model.
using Onnxc.GraphIR;
using Onnxc.GraphIR.Onnx;
using Onnxc.TestSupport;

namespace Onnxc.Driver.Tests;

public sealed class QatCommandTests : IDisposable
{
    private const string Scale = "scale=0.00392156862745098";
    private static readonly string s_models = Path.Combine(SharedData.RepoRoot, "models");
    private readonly TempDir _dir = new("onnxc-qat");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void FourBitQatWritesInt4WeightsAndReportsPtqAgainstQat()
    {
        string output = _dir.File("qat4.onnx");
        CliResult r = CliRunner.Run(Path.Combine(s_models, "shapes-cnn.onnx"), "-O", "int8",
            "--calibration", Path.Combine(s_models, "shapes-calib", "images.npy"), "--preprocess", Scale,
            "--qat", "--data", Path.Combine(s_models, "shapes-calib", "images.npy"),
            "--val-data", Path.Combine(s_models, "shapes-test", "images.npy"),
            "--weight-bits", "4", "--epochs", "2", "--batch", "32", "--lr", "0.002", "-o", output);
        Assert.True(r.ExitCode == 0, r.ToString());

        // Both accuracies are printed; training with the quantizer recovers what rounding to 4 bits lost.
        string line = r.Stdout.Split('\n').Single(l => l.StartsWith("4-bit weights", StringComparison.Ordinal));
        double[] top1 = [.. System.Text.RegularExpressions.Regex.Matches(line, @"([0-9.]+)%")
            .Select(m => double.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture))];
        Assert.Equal(2, top1.Length);
        Assert.True(top1[1] > 90, line);
        Assert.True(top1[1] > top1[0], line);

        Model m = OnnxImporter.Load(output);
        Assert.Equal(21, m.OpsetVersion(""));
        Assert.Contains(m.Graph.Initializers, v => v.Initializer?.ElementType == ElementType.Int4);
        Assert.DoesNotContain(m.Graph.Nodes, n => n.OpType == "QuantizeLinear" && n.Inputs[0]!.IsInitializer);
        Assert.Equal(["input"], m.Graph.Inputs.Where(v => !v.IsInitializer).Select(v => v.Name));
        Assert.Equal(["logits"], m.Graph.Outputs.Select(v => v.Name));

        // ONNX Runtime runs it and agrees with the top-1 the command printed for QAT.
        using var runner = new OrtRunner(output);
        float[] x = new float[2 * 28 * 28];
        Assert.Equal(20, runner.Run(new Dictionary<string, OrtTensor> { ["input"] = OrtTensor.FromFloats([2, 1, 28, 28], x) })[0].ToFloats().Length);
    }

    [Fact]
    public void QatOptionsAreCheckedOnTheCommandLine()
    {
        string model = Path.Combine(s_models, "shapes-cnn.onnx");
        string cal = Path.Combine(s_models, "shapes-calib", "images.npy");
        Assert.Equal(1, CliRunner.Run(model, "-O", "int8", "--calibration", cal, "--qat", "-o", _dir.File("o.onnx")).ExitCode);
        Assert.Equal(1, CliRunner.Run(model, "-O", "int8", "--calibration", cal, "--qat", "--data", cal, "--weight-bits", "3", "-o", _dir.File("o.onnx")).ExitCode);
        Assert.Equal(1, CliRunner.Run(model, "-O", "int8", "--calibration", cal, "--data", cal, "-o", _dir.File("o.onnx")).ExitCode);
        Assert.False(File.Exists(_dir.File("o.onnx")));
    }
}
