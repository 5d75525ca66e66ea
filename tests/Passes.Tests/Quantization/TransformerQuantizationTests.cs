// The transformer path of -O int8: the vision transformer the bench uses, the MatMul scope, attention fusion and QAttention.
using Onnxc.Evaluation;
using Onnxc.Evaluation.Data;
using Onnxc.GraphIR;
using Onnxc.Passes.Fusion;
using Onnxc.Passes.Quantization;
using Onnxc.Passes.Rewriting;
using Onnxc.Passes.Training;
using Onnxc.Passes.Training.Networks;
using Onnxc.Passes.Training.Optimizers;
using Onnxc.TestSupport;
using Xunit.Abstractions;

namespace Onnxc.Passes.Tests.Quantization;

public sealed class TransformerQuantizationTests(ITestOutputHelper output)
{
    private static readonly VitShape s_tiny = new(Channels: 1, ImageSize: 8, Patch: 2, Dim: 16, Heads: 2, Depth: 2, MlpDim: 32, Classes: 3);

    private static float[] Run(Model model, SampleSet data)
    {
        using InferenceRunner runner = InferenceRunner.Create(model);
        return [.. data.Batches(8, data.Count).SelectMany(b => runner.Run(b)[0].Data)];
    }

    private static void AssertClose(float[] expected, float[] actual, double tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        double worst = expected.Zip(actual).Max(p => Math.Abs(p.First - p.Second));
        Assert.True(worst <= tolerance, $"max |difference| {worst}");
    }

    private static int Count(Model m, string op) => m.Graph.Nodes.Count(n => n.OpType == op);

    [Fact]
    public void TheDecomposedAndTheNativeLayerNormFormsComputeTheSameNetwork()
    {
        using var tmp = new TempDir();
        Model op17 = VisionTransformer.Build(s_tiny, seed: 5, opset: 17);
        Model op13 = VisionTransformer.Build(s_tiny, seed: 5, opset: 13);
        SampleSet data = TinyModels.Samples(tmp.Path, op17, [1, 8, 8], 16, seed: 1, lo: 0, hi: 1);

        Assert.Equal(2 * s_tiny.Depth + 1, Count(op17, "LayerNormalization"));
        Assert.Equal(0, Count(op13, "LayerNormalization"));
        Assert.Equal(2 * (2 * s_tiny.Depth + 1), Count(op13, "ReduceMean") - 1); // two per LayerNorm, one token mean
        AssertClose(Run(op17, data), Run(op13, data), 1e-4);
        Assert.Equal([3], op17.Graph.Outputs[0].Shape!.Dims.Skip(1).Select(d => d.Value!.Value));
    }

    [Fact]
    public void AutoScopeRecognisesTransformersByTheirLayerNorms()
    {
        Assert.True(QuantScopes.LooksLikeTransformer(VisionTransformer.Build(s_tiny, 1, opset: 17).Graph));
        Assert.True(QuantScopes.LooksLikeTransformer(VisionTransformer.Build(s_tiny, 1, opset: 13).Graph));
        Assert.False(QuantScopes.LooksLikeTransformer(TinyModels.ConvNet().Graph));
        Assert.Equal(QuantScope.Full, QuantScopes.Resolve(QuantScope.Auto, TinyModels.ConvNet().Graph));
        Assert.Equal(QuantScope.MatMul, QuantScopes.Resolve(QuantScope.MatMul, TinyModels.ConvNet().Graph));
        Assert.Throws<ArgumentException>(() => QuantScopes.Parse("layers"));
    }

    [Theory]
    [InlineData(17)]
    [InlineData(13)]
    public void TheMatMulScopeQuantizesOnlyMatMulAndGemmInputsAndKeepsTheResidualStreamFloat(long opset)
    {
        Model m = VisionTransformer.Build(s_tiny, seed: 2, opset: opset);
        QuantizationPreparation.Run(m);

        QuantizationPlan plan = QuantizationPlanner.Plan(m, new QuantizationOptions());
        QuantizationPlan full = QuantizationPlanner.Plan(m, new QuantizationOptions { Scope = QuantScope.Full });

        Assert.Equal(QuantScope.MatMul, plan.Scope);
        Assert.All(plan.Decisions.Where(d => d.Quantized), d => Assert.Contains(d.OpType, new[] { "MatMul", "Gemm" }));
        Assert.Equal(m.Graph.Nodes.Count(n => n.OpType is "MatMul" or "Gemm"), plan.Decisions.Count(d => d.Quantized));
        // No MatMul output is quantized: ORT runs DQ → MatMul as MatMulIntegerToFloat.
        Assert.DoesNotContain(plan.ActivationTensors, t => m.Graph.FindValue(t)!.Producer is { OpType: "MatMul" or "Gemm" });
        Assert.False(plan.Decisions.Single(d => d.Node == "block1.attn.residual").Quantized);
        Assert.True(full.Decisions.Single(d => d.Node == "block1.attn.residual").Quantized);
    }

    [Theory]
    [InlineData(17)]
    [InlineData(13)]
    public void AttentionFusionMakesOneAttentionPerBlockWithTheSameOutputs(long opset)
    {
        using var tmp = new TempDir();
        Model original = VisionTransformer.Build(s_tiny, seed: 3, opset: opset);
        Model fused = VisionTransformer.Build(s_tiny, seed: 3, opset: opset);
        SampleSet data = TinyModels.Samples(tmp.Path, original, [1, 8, 8], 16, seed: 2, lo: 0, hi: 1);

        RewriteDriver.Run(fused, [new AttentionFusion()], new PassContext());

        Assert.Equal(s_tiny.Depth, Count(fused, "Attention"));
        Assert.Equal(0, Count(fused, "Softmax"));
        Assert.All(fused.Graph.Nodes.Where(n => n.OpType == "Attention"), n => Assert.Equal(s_tiny.Heads, n.GetInt("num_heads", 0)));
        GraphIR.Verification.Verifier.Verify(fused);
        AssertClose(Run(original, data), Run(fused, data), 1e-4);
    }

    [Fact]
    public void AttentionFusionRefusesAScaleAttentionWouldNotApply()
    {
        Model m = VisionTransformer.Build(s_tiny, seed: 3);
        Value scale = m.Graph.FindValue("block1.attn.scale.value")!;
        m.Graph.SetInitializer(scale, TensorData.Scalar(0.5f));

        RewriteDriver.Run(m, [new AttentionFusion()], new PassContext());

        Assert.Equal(s_tiny.Depth - 1, Count(m, "Attention"));
        Assert.Contains(m.Graph.Nodes, n => n is { OpType: "Softmax", Name: "block1.attn.softmax" });
    }

    [Fact]
    public void StaticInt8OfAVisionTransformerEmitsQAttentionAndFollowsTheFloatModel()
    {
        using var tmp = new TempDir();
        Model vit = VisionTransformer.Build(s_tiny, seed: 4);
        SampleSet calib = TinyModels.Samples(tmp.Path, vit, [1, 8, 8], 64, seed: 3, lo: 0, hi: 1);
        SampleSet test = TinyModels.Samples(tmp.Path, vit, [1, 8, 8], 32, seed: 4, lo: 0, hi: 1);

        QuantizationResult r = Int8Compiler.Compile(vit, new QuantizationOptions { Calibration = new() { SampleCount = 64 } }, calib);
        QuantizationResult unfused = Int8Compiler.Compile(vit, new QuantizationOptions { FuseAttention = false, Calibration = new() { SampleCount = 64 } }, calib);

        Assert.Equal(s_tiny.Depth, Count(r.Model, "QAttention"));
        Assert.Equal(0, Count(r.Model, "Softmax"));
        Assert.Equal(0, Count(unfused.Model, "QAttention"));
        Assert.Contains("MatMul/Gemm inputs only", r.Summary.Encoding, StringComparison.Ordinal);
        Assert.True(r.Summary.Verification!.Passed, r.Summary.Verification.Message);
        using InferenceRunner a = InferenceRunner.Create(vit);
        using InferenceRunner b = InferenceRunner.Create(r.Model);
        VerificationResult v = SelfVerifier.Verify(a, b, test.Batches(8, test.Count));
        output.WriteLine(v.Message);
        Assert.True(v.Cosine > 0.999, v.Message);
    }

    [Fact]
    public void InTheMatMulScopeOnlyTheMatMulReadsTheQuantizedTensor()
    {
        // A post-norm block: the LayerNorm output is both a MatMul input and the residual.
        using var tmp = new TempDir();
        GraphBuilder b = GraphBuilder.ForNewModel(17);
        Value x = b.Input("x", ElementType.Float, Dim.Symbol("N"), 4, 8);
        Value ln = b.Op("LayerNormalization", "ln", [x, b.Initializer("gamma", TensorData.FromFloats([8], Enumerable.Repeat(1f, 8).ToArray())), b.Initializer("beta", TinyModels.Random([8], 1))]);
        Value mm = b.Op("MatMul", "mm", [ln, b.Initializer("w", TinyModels.Random([8, 8], 2))]);
        b.Output(b.Op("Add", "y", [ln, mm]));
        SampleSet calib = TinyModels.Samples(tmp.Path, b.Model, [4, 8], 32, seed: 5);

        QuantizationResult r = Int8Compiler.Compile(b.Model, new QuantizationOptions { Calibration = new() { SampleCount = 32 } }, calib);

        Node matmul = r.Model.Graph.Nodes.Single(n => n.OpType == "MatMul");
        Node add = r.Model.Graph.Nodes.Single(n => n.OpType == "Add");
        Assert.Equal("DequantizeLinear", matmul.Input(0)!.Producer!.OpType);
        Assert.Contains(add.Inputs, v => v!.Producer is { OpType: "LayerNormalization" });
        Assert.True(r.Summary.Verification!.Passed, r.Summary.Verification.Message);
    }

    [Fact]
    public void SignedActivationsKeepAttentionFloatWithAReason()
    {
        using var tmp = new TempDir();
        Model vit = VisionTransformer.Build(s_tiny, seed: 4);
        SampleSet calib = TinyModels.Samples(tmp.Path, vit, [1, 8, 8], 32, seed: 3, lo: 0, hi: 1);

        QuantizationResult r = Int8Compiler.Compile(vit, new QuantizationOptions { Activations = ElementType.Int8, Calibration = new() { SampleCount = 32 } }, calib);

        Assert.Equal(0, Count(r.Model, "QAttention"));
        Assert.Equal(s_tiny.Depth, Count(r.Model, "Attention"));
        Assert.Contains(r.Summary.Nodes, d => d.OpType == "Attention" && !d.Quantized && d.Reason.Contains("u8 tokens only", StringComparison.Ordinal));
        Assert.True(r.Summary.Verification!.Passed, r.Summary.Verification.Message);
    }

    /// <summary>
    /// The reason for the MatMul scope, on real data: a small ViT trained briefly on MNIST keeps its accuracy with
    /// the default (auto → matmul) scope, while quantizing the residual stream too (full) loses far more agreement.
    /// </summary>
    [SharedFact]
    public void ATrainedVisionTransformerKeepsItsAccuracyInInt8()
    {
        IReadOnlyList<ModelInputSpec> specs = [ModelInputSpec.Float32("image", -1, 1, 28, 28)];
        var pixels = new PreprocessOptions { Scale = 1.0 / 255 };
        SampleSet train = SampleSet.Open(SharedData.Data("mnist-train", "images.npy"), specs, pixels);
        SampleSet test = SampleSet.Open(SharedData.Data("mnist", "images.npy"), specs, pixels);
        var shape = new VitShape(Channels: 1, ImageSize: 28, Patch: 7, Dim: 32, Heads: 2, Depth: 2, MlpDim: 64, Classes: 10);
        var setup = new TrainingSetup { Optimizer = new OptimizerSettings { Kind = OptimizerKind.AdamW } };
        var options = new TrainingOptions
        {
            Epochs = 1,
            BatchSize = 64,
            MaxStepsPerEpoch = 700,
            Seed = 1,
            Schedule = new LearningRateSchedule { BaseRate = 0.003, Kind = ScheduleKind.Cosine, WarmupSteps = 50 },
        };
        Model vit = new Trainer(VisionTransformer.Build(shape, seed: 1), setup, options).Run(train, null).Model;

        QuantizationResult auto = Int8Compiler.Compile(vit, new QuantizationOptions(), train);
        QuantizationResult full = Int8Compiler.Compile(vit, new QuantizationOptions { Scope = QuantScope.Full, FuseAttention = false, Verify = VerifyMode.Skip }, train);

        int[] subset = SubsetPicker.EvenlySpread(test.Count, 2000);
        double Top1(Model m)
        {
            using InferenceRunner r = InferenceRunner.Create(m);
            return AccuracyMeter.Measure(r, test, subset).Top1;
        }

        double f = Top1(vit), a = Top1(auto.Model), w = Top1(full.Model);
        output.WriteLine($"float {f:F2} %, int8 auto (matmul scope, QAttention) {a:F2} %, int8 full scope {w:F2} %");
        Assert.True(f > 70, $"the ViT learned too little to judge quantization: {f:F2} %");
        Assert.True(f - a <= 1.0, $"auto scope lost {f - a:F2} points");
        Assert.True(a > w, $"the full scope ({w:F2} %) did not lose more than the matmul scope ({a:F2} %)");
        Assert.Equal(shape.Depth, Count(auto.Model, "QAttention"));
        Assert.True(auto.Summary.Verification!.Cosine > 0.995, auto.Summary.Verification.Message);
    }
}
