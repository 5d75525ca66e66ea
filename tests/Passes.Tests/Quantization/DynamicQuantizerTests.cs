// Dynamic INT8: MatMul/Gemm become DynamicQuantizeMatMul with 7-bit weights on the cpu target, and follow the float model.
using Onnxc.Evaluation;
using Onnxc.Evaluation.Data;
using Onnxc.GraphIR;
using Onnxc.Passes.Pipelines;
using Onnxc.Passes.Quantization;
using Onnxc.Passes.Quantization.Stages;
using Onnxc.TestSupport;

namespace Onnxc.Passes.Tests.Quantization;

public sealed class DynamicQuantizerTests
{
    /// <summary>x[N,16] → MatMul(W[16,8]) → Relu → Gemm(transB, alpha 0.5, beta 2) → y[N,4].</summary>
    private static Model Mlp()
    {
        var m = new Model();
        m.SetOpset("", 13);
        Graph g = m.Graph;
        Value x = g.AddInput("x", new TensorType(ElementType.Float, new TensorShape([Dim.Symbol("N"), 16])));
        Node mm = g.AddNode("MatMul", [x, g.AddInitializer("w1", TinyModels.Random([16, 8], 31))], ["h"], name: "mm");
        Node relu = g.AddNode("Relu", [mm.Outputs[0]], ["hr"], name: "relu");
        Node gemm = g.AddNode(
            "Gemm",
            [relu.Outputs[0], g.AddInitializer("w2", TinyModels.Random([4, 8], 32)), g.AddInitializer("b2", TinyModels.Random([4], 33))],
            ["y"],
            [NodeAttribute.Of("transB", 1L), NodeAttribute.Of("alpha", 0.5f), NodeAttribute.Of("beta", 2f)],
            name: "fc");
        g.AddOutput(gemm.Outputs[0]!);
        return m;
    }

    [Fact]
    public void MatMulAndGemmBecomeDynamicQuantizeMatMul()
    {
        using var tmp = new TempDir();
        Model model = Mlp();
        SampleSet data = TinyModels.Samples(tmp.Path, model, [16], 32, seed: 34);
        QuantizationResult r = DynamicQuantizer.Compile(model, new QuantizationOptions(), data);

        Node[] dyn = [.. r.Model.Graph.Nodes.Where(n => n.OpType == "DynamicQuantizeMatMul")];
        Assert.Equal(2, dyn.Length);
        Assert.All(dyn, n => Assert.All(n.Input(1)!.Initializer!.AsSpan<sbyte>().ToArray(), w => Assert.InRange((int)w, -63, 63)));
        Assert.Contains(r.Summary.Nodes, d => d.OpType == "Relu" && !d.Quantized);
        Assert.True(r.Summary.Verification!.Passed, r.Summary.Verification.Message);

        using InferenceRunner f = InferenceRunner.Create(model);
        using InferenceRunner q = InferenceRunner.Create(r.Model);
        VerificationResult v = SelfVerifier.Verify(f, q, data.Batches(8, 32));
        Assert.True(v.Cosine > 0.999, v.Message);
        Assert.Equal("int8-dynamic", r.Summary.Mode);
    }

    [Fact]
    public void ExcludedMatMulStaysFloat()
    {
        Model model = Mlp();
        QuantizationResult r = DynamicQuantizer.Compile(model, new QuantizationOptions { Exclude = ["fc"] });
        Assert.Single(r.Model.Graph.Nodes, n => n.OpType == "DynamicQuantizeMatMul");
        Assert.Contains(r.Model.Graph.Nodes, n => n.OpType == "Gemm");
    }

    [Fact]
    public void RunsAsRegisteredStagesThatThePassOptionsReach()
    {
        using var tmp = new TempDir();
        Model model = Mlp();
        SampleSet data = TinyModels.Samples(tmp.Path, model, [16], 32, seed: 34);
        var recorder = new StageRecorder();
        var context = new PassContext(new PassOptions { VerifyEach = true });
        context.Instruments.Add(recorder);

        QuantizationResult r = DynamicQuantizer.Compile(model, new QuantizationOptions(), data, context);

        string[] stages = [.. Int8Pipelines.Dynamic().Passes.Select(p => p.Name)];
        Assert.Equal([.. Int8Pipelines.Preparation().Passes.Select(p => p.Name), "quantize-dynamic", "verify-int8"], stages);
        Assert.Equal(stages, recorder.Passes);
        Assert.Contains("quantize-dynamic", recorder.Changed);
        Assert.True(r.Summary.Verification!.Passed, r.Summary.Verification.Message);
        Assert.DoesNotContain(model.Graph.Nodes, n => n.OpType == "DynamicQuantizeMatMul");
    }

    [Fact]
    public void DisablingVerifyInt8SkipsTheCheckButNotTheRewrite()
    {
        using var tmp = new TempDir();
        Model model = Mlp();
        SampleSet data = TinyModels.Samples(tmp.Path, model, [16], 32, seed: 34);
        var context = new PassContext(new PassOptions { DisabledPasses = ["verify-int8"] });

        QuantizationResult r = DynamicQuantizer.Compile(model, new QuantizationOptions(), data, context);

        Assert.Null(r.Summary.Verification);
        Assert.Equal(2, r.Model.Graph.Nodes.Count(n => n.OpType == "DynamicQuantizeMatMul"));
        Assert.Contains("cannot be disabled", Assert.Throws<ArgumentException>(() => PassRegistry.Validate(["quantize-dynamic"])).Message, StringComparison.Ordinal);
    }
}
