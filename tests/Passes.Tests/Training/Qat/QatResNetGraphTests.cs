// QAT on a residual network: every weight behind fake quantization gets a gradient through the whole network.
using Onnxc.Evaluation.Data;
using Onnxc.GraphIR;
using Onnxc.GraphIR.Onnx;
using Onnxc.Passes.Quantization;
using Onnxc.Passes.Quantization.Qat;
using Onnxc.Passes.Training;
using Onnxc.TestSupport;
using Xunit.Abstractions;

namespace Onnxc.Passes.Tests.Training.Qat;

public sealed class QatResNetGraphTests(ITestOutputHelper output)
{
    private const string Preprocess = "scale=0.00392156862745098;mean=0.485,0.456,0.406;std=0.229,0.224,0.225";

    /// <summary>
    /// ResNet-20's block inputs are quantized once and read by both the residual branch and the shortcut; the
    /// gradient must pass those shared QuantizeLinear nodes, so no convolution weight is left unreached and the
    /// step holds an input-gradient ConvTranspose for every convolution past the first. (The INT8 compiler also runs
    /// the final Reshape on integers, Q → Reshape → DQ; the trainable form moves it back to floats.)
    /// </summary>
    [SharedFact]
    public void EveryResNet20WeightIsReachedThroughTheFakeQuantizers()
    {
        Model model = OnnxImporter.Load(SharedData.Model("cifar10-resnet20-akamaster.onnx"));
        IReadOnlyList<ModelInputSpec> specs = [.. model.Graph.Inputs.Where(v => !v.IsInitializer)
            .Select(v => ModelInputSpec.Float32(v.Name, [.. v.Shape!.Dims.Select(d => d.Value ?? -1)]))];
        SampleSet calibration = SampleSet.Open(SharedData.Data("cifar10", "images.npy"), specs, PreprocessOptions.Parse(Preprocess));
        QuantizationResult ptq8 = Int8Compiler.Compile(model, new QuantizationOptions { Verify = VerifyMode.Skip, Calibration = new Onnxc.Passes.Calibration.CalibrationOptions { SampleCount = 32 } }, calibration);
        Model prepared = OnnxImporter.Load(SharedData.Model("cifar10-resnet20-akamaster.onnx"));
        QuantizationPreparation.Run(prepared);
        Model fake = FakeQuantization.ToTrainable(ptq8.Model, prepared, 4);

        TrainingGraph graph = TrainingGraphBuilder.Build(fake, new TrainingSetup());
        int convs = fake.Graph.Nodes.Count(n => n.OpType == "Conv");
        int transposes = graph.Model.Graph.Nodes.Count(n => n.OpType == "ConvTranspose");
        output.WriteLine($"{convs} convolutions, {transposes} ConvTranspose, {graph.Parameters.Count()} parameters, unreached: {string.Join(", ", graph.Unreached)}");
        Assert.Empty(graph.Unreached);
        Assert.True(transposes >= convs - 1, $"{transposes} input-gradient ConvTranspose nodes for {convs} convolutions");
    }
}
