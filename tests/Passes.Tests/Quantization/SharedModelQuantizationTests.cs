// End-to-end INT8 on the shared models: accuracy within the limits on fixed evenly spread subsets, both formats.
using Onnxc.GraphIR;
using Onnxc.GraphIR.Onnx;
using Onnxc.Passes.Data;
using Onnxc.Passes.Evaluation;
using Onnxc.Passes.Quantization;
using Onnxc.TestSupport;
using Xunit.Abstractions;

namespace Onnxc.Passes.Tests.Quantization;

public sealed class SharedModelQuantizationTests(ITestOutputHelper output)
{
    public static TheoryData<string, string, string, int, double> Cases => new()
    {
        // model, data, preprocess, eval samples, max top-1 drop (points)
        { "mnist-8.onnx", "mnist/images.npy", "scale=0.00392156862745098", 2000, 0.2 },
        { "cifar10-resnet20-akamaster.onnx", "cifar10/images.npy", "scale=0.00392156862745098;mean=0.485,0.456,0.406;std=0.229,0.224,0.225", 2000, 0.5 },
        { "squeezenet1.1-caffe2-fp32.onnx", "imagenet_sample1000_r256", "channels=bgr;crop=224;mean=104,117,123", 1000, 1.5 },
    };

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
        using OrtRunner f = OrtRunner.Open(fp32Path);
        using OrtRunner q = OrtRunner.Open(int8Path);
        AccuracyResult af = AccuracyMeter.Measure(f, data, picked);
        AccuracyResult aq = AccuracyMeter.Measure(q, data, picked);
        output.WriteLine($"{modelFile} {format}: fp32 {af.Top1:F2}% int8 {aq.Top1:F2}% on {af.Samples}; size {result.Summary.SizeRatio:F3}x");
        Assert.True(result.Summary.Verification!.Passed);
        Assert.True(af.Top1 - aq.Top1 <= maxDrop, $"top-1 drop {af.Top1 - aq.Top1:F2} > {maxDrop}");
        Assert.True(new FileInfo(int8Path).Length <= 0.30 * new FileInfo(fp32Path).Length, "INT8 file is over 0.30x of FP32");
    }
}
