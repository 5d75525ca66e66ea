// The library API: OnnxCompiler.Compile does what the command does, reports through its observer, throws typed errors.
using Onnxc.Compilation;
using Onnxc.Evaluation;
using Onnxc.GraphIR;
using Onnxc.Passes.Quantization;
using Onnxc.TestSupport;

namespace Onnxc.Driver.Tests.Compilation;

public sealed class OnnxCompilerTests
{

    [Fact]
    public void Int8CompileReturnsTheSummaryTheCommandPrintsAndWritesTheSameFile()
    {
        using var dir = new TempDir();
        var observer = new RecordingObserver();
        var options = new CompileOptions
        {
            ModelPath = ShippedModel.Model,
            OutputPath = dir.File("api.onnx"),
            Level = OptimizationLevel.Int8,
            Int8 = new Int8Settings { CalibrationPath = ShippedModel.Calibration, Preprocess = ShippedModel.Preprocess, NoSpeedCheck = true },
        };

        CompileResult result = OnnxCompiler.Compile(options, observer);
        CliResult cli = CliRunner.Run(ShippedModel.Model, "-O", "int8", "--calibration", ShippedModel.Calibration, "--preprocess", ShippedModel.Preprocess,
            "--no-speed-check", "-o", dir.File("cli.onnx"));

        Assert.True(cli.ExitCode == ExitCodes.Ok, cli.ToString());
        // The same lines, but for the calibration's wall time.
        Assert.Equal(cli.Stdout.ReplaceLineEndings("\n").TrimEnd('\n').Split('\n').Select(WithoutSeconds), result.Summary.Select(WithoutSeconds));
        Assert.Equal(result.Summary, observer.Summaries);
        Assert.Contains(observer.Summaries, l => l.Contains("quantized", StringComparison.Ordinal));
        Assert.Equal("qdq", result.Encoding);
        Assert.NotNull(result.Quantization);
        Assert.True(result.Quantization.QuantizedOps > 0);
        Assert.Equal(new FileInfo(options.OutputPath).Length, result.OutputBytes);
        Assert.Equal(new FileInfo(ShippedModel.Model).Length, result.InputBytes);
        Assert.True(result.OutputBytes < result.InputBytes, $"{result.OutputBytes} B INT8 vs {result.InputBytes} B float");
        Assert.Equal(File.ReadAllBytes(dir.File("cli.onnx")), File.ReadAllBytes(options.OutputPath));
        Assert.True(observer.Calibrations == 1, "calibration runs through the observer once");
    }

    [Fact]
    public void FloatLevelsCarryNoQuantizationAndPassDiagnosticsToTheObserver()
    {
        using var dir = new TempDir();
        var observer = new RecordingObserver();
        var options = new CompileOptions
        {
            ModelPath = ShippedModel.Model,
            OutputPath = dir.File("o2.onnx"),
            Level = OptimizationLevel.O2,
            Passes = Passes.PassOptions.Default with { TimePasses = true },
        };

        CompileResult result = OnnxCompiler.Compile(options, observer);

        Assert.Null(result.Quantization);
        Assert.Null(result.Encoding);
        Assert.Empty(result.Summary);
        // --time-passes' table, once, line by line.
        Assert.Single(observer.Diagnostics, l => l.StartsWith("total ", StringComparison.Ordinal));
        Assert.True(File.Exists(options.OutputPath));
    }

    [Fact]
    public void ABadModelIsAnInvalidModelExceptionNamingTheFileAndWritesNothing()
    {
        using var dir = new TempDir();
        string bad = dir.File("bad.onnx");
        File.WriteAllBytes(bad, [0x08, 0x07, 0x12, 0xff, 0xff]);
        var options = new CompileOptions { ModelPath = bad, OutputPath = dir.File("out.onnx"), Level = OptimizationLevel.O2 };

        InvalidModelException e = Assert.Throws<InvalidModelException>(() => OnnxCompiler.Compile(options));

        Assert.Contains("bad.onnx", e.Message, StringComparison.Ordinal);
        Assert.Equal(["bad.onnx"], Directory.GetFiles(dir.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void Int8WithoutCalibrationIsRefusedBeforeAnythingIsWritten()
    {
        using var dir = new TempDir();
        var options = new CompileOptions { ModelPath = ShippedModel.Model, OutputPath = dir.File("out.onnx"), Level = OptimizationLevel.Int8 };

        InvalidModelException e = Assert.Throws<InvalidModelException>(() => OnnxCompiler.Compile(options));

        Assert.Contains("--calibration", e.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(dir.Path));
    }

    [Fact]
    public void EvaluateMeasuresAgainstTheBaselineAndChecksTheGoal()
    {
        string test = ShippedModel.Test;

        Evaluation.EvalReport r = OnnxEvaluator.Evaluate(ShippedModel.Model, test, ShippedModel.Preprocess, new Evaluation.EvalOptions { Samples = 400 },
            ShippedModel.Model, Evaluation.Goal.Parse("drop<=0"));

        Assert.Equal(400, r.Model.Accuracy!.Samples);
        Assert.InRange(r.Model.Accuracy.Top1, 97.0, 100.0);
        Assert.Equal(0, r.Ratios!.Top1Drop);
        Assert.True(r.Goal!.Met, r.Goal.Line);
        InvalidModelException e = Assert.Throws<InvalidModelException>(() =>
            OnnxEvaluator.Evaluate(ShippedModel.Model, test, ShippedModel.Preprocess, new Evaluation.EvalOptions(), baselinePath: test));
        Assert.Contains("images.npy", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TrainWritesTheModelAndReportsItsEpochsThroughTheObserver()
    {
        using var dir = new TempDir();
        var observer = new RecordingObserver();
        var request = new TrainRequest
        {
            ModelPath = ShippedModel.Model,
            OutputPath = dir.File("trained.onnx"),
            DataPath = ShippedModel.Calibration,
            Preprocess = ShippedModel.Preprocess,
            Options = new Passes.Training.TrainingOptions { Epochs = 2, BatchSize = 16, MaxStepsPerEpoch = 3 },
        };

        Passes.Training.TrainingResult r = OnnxTrainer.Train(request, observer);

        Assert.Equal(6, r.Steps);
        Assert.Equal(2, r.Epochs.Count);
        Assert.True(File.Exists(request.OutputPath));
        Assert.Equal(3, observer.Summaries.Count);
        Assert.StartsWith("epoch 1: loss ", observer.Summaries[0], StringComparison.Ordinal);
        Assert.StartsWith($"wrote {request.OutputPath}", observer.Summaries[2], StringComparison.Ordinal);
        Assert.Contains(observer.Diagnostics, l => l.StartsWith("training shapes-cnn.onnx on ", StringComparison.Ordinal));
    }

    [SharedFact]
    public void AFloat16ModelIsFedHalfSamplesAndAgreesWithItsFloat32Original()
    {
        // Samples are float32; a model declaring float16 inputs gets them rounded to half (ORT refused float32 before).
        EvalReport report = OnnxEvaluator.Evaluate(
            SharedData.Model("squeezenet1.1-caffe2-fp16.onnx"), SharedData.Data("imagenet_sample1000_r256"), "channels=bgr;crop=224;mean=104,117,123",
            new EvalOptions { Samples = 32, BatchSize = 1, WarmupRuns = 1, TimedRuns = 2 }, SharedData.Model("squeezenet1.1-caffe2-fp32.onnx"));

        Assert.Equal(32, report.Model.Accuracy!.Samples);
        Assert.True(report.Ratios!.Top1Agreement >= 90, $"top-1 agreement with the float32 model {report.Ratios.Top1Agreement}%");
        Assert.True(report.Model.Accuracy.Top1 >= 40, $"top-1 {report.Model.Accuracy.Top1}% on 32 ImageNet samples");
    }

    [Fact]
    public void ValidateRefusesQOperatorForAGpuTarget() =>
        Assert.Contains("qoperator", Int8Settings.Validate(new Int8Settings { Target = "rtx2050", Format = QuantFormat.QOperator }));

    private static string WithoutSeconds(string line) =>
        System.Text.RegularExpressions.Regex.Replace(line, @"[0-9.]+ s\b", "# s");

    private sealed class RecordingObserver : CompileObserver
    {
        public List<string> Summaries { get; } = [];

        public List<string> Diagnostics { get; } = [];

        public int Calibrations { get; private set; }

        public override void Summary(string line) => Summaries.Add(line);

        public override void Diagnostic(string line) => Diagnostics.Add(line);

        public override T Calibrating<T>(Func<Action<int, int>?, T> calibrate)
        {
            Calibrations++;
            return calibrate(null);
        }
    }
}
