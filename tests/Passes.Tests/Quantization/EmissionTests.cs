// QDQ and QOperator emission on a small hand-built graph, checked numerically in ONNX Runtime against the float model.
using Onnxc.Evaluation;
using Onnxc.Evaluation.Data;
using Onnxc.GraphIR;
using Onnxc.Passes.Quantization;
using Onnxc.TestSupport;

namespace Onnxc.Passes.Tests.Quantization;

public sealed class EmissionTests
{
    private static (Model Float, QuantizationResult Result, SampleSet Test) Compile(TempDir tmp, QuantizationOptions options)
    {
        Model model = TinyModels.ConvNet();
        SampleSet calib = TinyModels.Samples(tmp.Path, model, [3, 8, 8], 64, seed: 10);
        SampleSet test = TinyModels.Samples(tmp.Path, model, [3, 8, 8], 32, seed: 11);
        QuantizationResult r = Int8Compiler.Compile(model, options with { Calibration = options.Calibration with { SampleCount = 64 } }, calib);
        return (model, r, test);
    }

    private static double Cosine(Model a, Model b, SampleSet data)
    {
        using InferenceRunner x = InferenceRunner.Create(a);
        using InferenceRunner y = InferenceRunner.Create(b);
        VerificationResult v = SelfVerifier.Verify(x, y, data.Batches(8, data.Count));
        return v.Cosine;
    }

    [Theory]
    [InlineData(QuantFormat.Qdq, "u8")]
    [InlineData(QuantFormat.Qdq, "s8")]
    [InlineData(QuantFormat.QOperator, "u8")]
    [InlineData(QuantFormat.QOperator, "s8")]
    public void QuantizedModelFollowsTheFloatModelInOrt(QuantFormat format, string activations)
    {
        using var tmp = new TempDir();
        var options = new QuantizationOptions { Format = format, Activations = QuantizationOptions.ParseActivations(activations) };
        (Model f, QuantizationResult r, SampleSet test) = Compile(tmp, options);
        Assert.True(r.Summary.Verification!.Passed, r.Summary.Verification.Message);
        Assert.True(Cosine(f, r.Model, test) > 0.995);
        Assert.DoesNotContain(r.Summary.Nodes, n => !n.Quantized);
    }

    [Fact]
    public void QdqPutsIntegerWeightsAndBiasesBehindDequantize()
    {
        using var tmp = new TempDir();
        (_, QuantizationResult r, _) = Compile(tmp, new QuantizationOptions());
        Graph g = r.Model.Graph;
        Node conv = g.Nodes.Single(n => n.Name == "conv1");
        Node wdq = conv.Input(1)!.Producer!;
        Assert.Equal("DequantizeLinear", wdq.OpType);
        Assert.Equal(ElementType.Int8, wdq.Input(0)!.ElementType);
        Assert.Equal(0, wdq.GetInt("axis", 1));
        Node bdq = conv.Input(2)!.Producer!;
        Assert.Equal(ElementType.Int32, bdq.Input(0)!.ElementType);

        // Bias scale = input scale x weight scale, channel by channel.
        Node xdq = conv.Input(0)!.Producer!;
        float sx = xdq.Input(1)!.Initializer!.ToFloats()[0];
        float[] sw = wdq.Input(1)!.Initializer!.ToFloats();
        float[] sb = bdq.Input(1)!.Initializer!.ToFloats();
        for (int c = 0; c < sw.Length; c++)
        {
            Assert.Equal(sx * sw[c], sb[c], 6);
        }

        // The Relu was folded: the Q after the conv has zero point 0 (qmin of u8), so the Relu is gone.
        Assert.DoesNotContain(g.Nodes, n => n.OpType == "Relu");
        Assert.Contains(g.Nodes, n => n.OpType == "MaxPool" && n.Input(0)!.ElementType == ElementType.UInt8);
    }

    [Fact]
    public void QOperatorUsesIntegerOperators()
    {
        using var tmp = new TempDir();
        (_, QuantizationResult r, _) = Compile(tmp, new QuantizationOptions { Format = QuantFormat.QOperator });
        string[] ops = [.. r.Model.Graph.Nodes.Select(n => n.OpType)];
        Assert.Contains("QLinearConv", ops);
        Assert.Contains("QLinearAdd", ops);
        Assert.Contains("QLinearConcat", ops);
        Assert.Contains("QLinearSigmoid", ops);
        Assert.Contains("QLinearGlobalAveragePool", ops);
        Assert.Contains("QGemm", ops);
        Assert.DoesNotContain("Conv", ops);
        Assert.Equal(1, r.Model.OpsetVersion("com.microsoft"));
    }

    [Fact]
    public void ExcludedOpsStayFloatWithAReason()
    {
        using var tmp = new TempDir();
        (Model f, QuantizationResult r, SampleSet test) = Compile(tmp, new QuantizationOptions { Exclude = ["conv2", "Sigmoid"] });
        Assert.Contains(r.Summary.Nodes, n => n.Node == "conv2" && !n.Quantized && n.Reason.Contains("exclude", StringComparison.Ordinal));
        Assert.Contains(r.Summary.Nodes, n => n.OpType == "Sigmoid" && !n.Quantized);
        Assert.Contains(r.Model.Graph.Nodes, n => n.Name == "conv2" && n.Input(1)!.IsConstant && n.Input(1)!.ElementType == ElementType.Float);
        Assert.True(Cosine(f, r.Model, test) > 0.995);
        Assert.Contains("excluded (--exclude)", r.Summary.ToText(), StringComparison.Ordinal);
    }

    [Fact]
    public void CachedTableGivesTheSameModelWithoutCalibrating()
    {
        using var tmp = new TempDir();
        (Model f, QuantizationResult first, _) = Compile(tmp, new QuantizationOptions());
        var table = Onnxc.Passes.Calibration.CalibrationTable.FromJson(first.Table!.ToJson());
        SampleSet unused = TinyModels.Samples(tmp.Path, f, [3, 8, 8], 4, seed: 99);
        QuantizationResult second = Int8Compiler.Compile(f, new QuantizationOptions { Verify = VerifyMode.Skip }, unused, table);
        byte[] a = Google.Protobuf.MessageExtensions.ToByteArray(GraphIR.Onnx.OnnxExporter.ToProto(first.Model));
        byte[] b = Google.Protobuf.MessageExtensions.ToByteArray(GraphIR.Onnx.OnnxExporter.ToProto(second.Model));
        Assert.Equal(a, b);
    }
}
