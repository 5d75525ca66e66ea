// End-to-end INT8 on the shared models: accuracy within the limits on fixed evenly spread subsets, both formats.
using Onnxc.Evaluation;
using Onnxc.Evaluation.Data;
using Onnxc.GraphIR;
using Onnxc.GraphIR.Onnx;
using Onnxc.Passes.Quantization;
using Onnxc.TestSupport;
using Xunit.Abstractions;

namespace Onnxc.Passes.Tests.Quantization;

public sealed class SharedModelQuantizationTests(ITestOutputHelper output)
{
    public static TheoryData<string, string, string, int, double, string> Cases => new()
    {
        // model, data, preprocess, eval samples, max top-1 drop (points), FP32 logits in data/reference_outputs
        { "mnist-8.onnx", "mnist/images.npy", "scale=0.00392156862745098", 2000, 0.2, "mnist-8__mnist_t10k__in01.f32" },
        { "cifar10-resnet20-akamaster.onnx", "cifar10/images.npy", "scale=0.00392156862745098;mean=0.485,0.456,0.406;std=0.229,0.224,0.225", 2000, 0.5, "cifar10-resnet20-akamaster__cifar10_test__imagenetnorm.f32" },
        { "squeezenet1.1-caffe2-fp32.onnx", "imagenet_sample1000_r256", "channels=bgr;crop=224;mean=104,117,123", 1000, 1.5, "squeezenet1.1-caffe2-fp32__imagenet_sample1000_r256__crop224_bgrmean.f32" },
    };

    /// <summary>FP32 top-1 on the picked samples from the stored reference logits (saves running the float model).</summary>
    private static double ReferenceTop1(string file, SampleSet data, int[] picked)
    {
        byte[] raw = File.ReadAllBytes(SharedData.Data("reference_outputs", file));
        float[] logits = new float[raw.Length / 4];
        Buffer.BlockCopy(raw, 0, logits, 0, raw.Length);
        int classes = logits.Length / data.Count;
        long[] labels = Labels(data);
        int hits = picked.Count(i => Metrics.ArgMax(logits.AsSpan(i * classes, classes)) == labels[i]);
        return 100.0 * hits / picked.Length;
    }

    private static long[] Labels(SampleSet data)
    {
        if (data.Path.EndsWith(".npy", StringComparison.Ordinal))
        {
            return NpyArray.Open(Path.Combine(Path.GetDirectoryName(data.Path)!, "labels.npy")).ReadAllInt64();
        }

        return [.. File.ReadAllLines(Path.Combine(data.Path, "labels.txt")).Where(l => l.Length > 0).Select(l => long.Parse(l[(l.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture))];
    }

    [SharedFact]
    [Trait("Category", "Slow")]
    public void Mnist() => Run(0, QuantFormat.Qdq);

    [SharedFact]
    [Trait("Category", "Slow")]
    public void Resnet20QOperator() => Run(1, QuantFormat.QOperator);

    [SharedFact]
    [Trait("Category", "Slow")]
    public void Resnet20() => Run(1, QuantFormat.Qdq);

    [SharedFact]
    [Trait("Category", "Slow")]
    public void Squeezenet() => Run(2, QuantFormat.Qdq);

    private void Run(int index, QuantFormat format)
    {
        object[] c = [.. Cases.ElementAt(index)];
        string modelFile = (string)c[0], dataPath = (string)c[1], preprocess = (string)c[2];
        int evalSamples = (int)c[3];
        double maxDrop = (double)c[4];
        string reference = (string)c[5];
        Model model = OnnxImporter.Load(SharedData.Model(modelFile));
        ModelInputSpec[] inputs = [.. model.Graph.Inputs.Where(v => !v.IsInitializer).Select(v =>
            ModelInputSpec.Float32(v.Name, [.. v.Shape!.Dims.Select(d => d.Value ?? -1)]))];
        SampleSet data = SampleSet.Open(SharedData.Data(dataPath.Split('/')), inputs, PreprocessOptions.Parse(preprocess));
        var options = new QuantizationOptions { Format = format };
        QuantizationResult result = Int8Compiler.Compile(model, options, data, log: output.WriteLine);
        output.WriteLine(result.Summary.ToText());

        using var tmp = new TempDir();
        string fp32Path = SharedData.Model(modelFile);
        string int8Path = tmp.File("int8.onnx");
        OnnxExporter.Save(result.Model, int8Path);
        if (Environment.GetEnvironmentVariable("ONNXC_KEEP_INT8") is { } keep)
        {
            File.Copy(int8Path, Path.Combine(keep, Path.GetFileNameWithoutExtension(modelFile) + "-" + format + ".onnx"), overwrite: true);
        }

        int[] picked = SubsetPicker.EvenlySpread(data.Count, evalSamples);
        double fp32Top1 = ReferenceTop1(reference, data, picked);
        using InferenceRunner q = InferenceRunner.Open(int8Path);
        AccuracyResult aq = AccuracyMeter.Measure(q, data, picked);
        output.WriteLine($"{modelFile} {format}: fp32 {fp32Top1:F2}% int8 {aq.Top1:F2}% on {aq.Samples}; size {result.Summary.SizeRatio:F3}x");
        Assert.True(result.Summary.Verification!.Passed);
        Assert.True(fp32Top1 - aq.Top1 <= maxDrop, $"top-1 drop {fp32Top1 - aq.Top1:F2} > {maxDrop}");
        Assert.True(new FileInfo(int8Path).Length <= 0.30 * new FileInfo(fp32Path).Length, "INT8 file is over 0.30x of FP32");
    }
}
