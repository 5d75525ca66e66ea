// Eval: accuracy, latency at batch 1 and B, ratios against a baseline run in the same process, per-layer SQNR.
using System.Text.Json;
using Onnxc.Evaluation;
using Onnxc.Evaluation.Data;
using Onnxc.GraphIR;
using Onnxc.GraphIR.Onnx;
using Onnxc.Passes.Quantization;
using Onnxc.Passes.Tests.Evaluation.Data;
using Onnxc.Passes.Tests.Quantization;
using Onnxc.TestSupport;

namespace Onnxc.Passes.Tests.Evaluation;

public sealed class ModelEvaluatorTests
{
    [Fact]
    public void ComparesAQuantizedModelWithItsBaseline()
    {
        using var tmp = new TempDir();
        Model model = TinyModels.ConvNet();
        SampleSet samples = TinyModels.Samples(tmp.Path, model, [3, 8, 8], 40, seed: 50);
        NpyWriter.WriteInt64(tmp.File("labels.npy"), [40], [.. Enumerable.Range(0, 40).Select(i => (long)(i % 5))]);
        SampleSet data = SampleSet.Open(samples.Path, samples.Inputs, PreprocessOptions.None);
        QuantizationResult r = Int8Compiler.Compile(model, new QuantizationOptions(), data);
        string fp32 = tmp.File("fp32.onnx"), int8 = tmp.File("int8.onnx");
        OnnxExporter.Save(model, fp32);
        OnnxExporter.Save(r.Model, int8);

        EvalReport report = ModelEvaluator.Evaluate(int8, data, new EvalOptions { BatchSize = 8, WarmupRuns = 1, TimedRuns = 3, CompareLayers = true }, fp32);
        Assert.Equal(40, report.Model.Accuracy!.Samples);
        Assert.Equal(8, report.Model.BatchB.BatchSize);
        Assert.Equal(1, report.Model.Batch1.BatchSize);
        Assert.True(report.Model.Batch1.P90Ms >= report.Model.Batch1.P50Ms);
        Assert.Equal((double)new FileInfo(int8).Length / new FileInfo(fp32).Length, report.Ratios!.Size, 9);
        Assert.True(report.Ratios.Top1Agreement >= 50, $"agreement {report.Ratios.Top1Agreement}");
        Assert.True(report.Ratios.SpeedupBatch1 > 0 && report.Ratios.SpeedupBatchB > 0);
        Assert.Equal(report.Baseline!.Accuracy!.Top1 - report.Model.Accuracy.Top1, report.Ratios.Top1Drop!.Value, 9);
        Assert.NotEmpty(report.Layers!);
        Assert.All(report.Layers!, l => Assert.True(l.SqnrDb > 10, $"{l.Tensor}: {l.SqnrDb} dB"));
        using JsonDocument json = JsonDocument.Parse(report.ToJson());
        Assert.True(json.RootElement.GetProperty("ratios").GetProperty("speedup_batchB").GetDouble() > 0);
        Assert.Contains("ratios:", report.ToText(), StringComparison.Ordinal);
    }

    [Fact]
    public void AccuracyNeedsLabels()
    {
        using var tmp = new TempDir();
        Model model = TinyModels.ConvNet();
        SampleSet data = TinyModels.Samples(tmp.Path, model, [3, 8, 8], 4, seed: 51);
        using InferenceRunner runner = InferenceRunner.Create(model);
        Assert.Throws<SampleDataException>(() => AccuracyMeter.Measure(runner, data));
    }
}
