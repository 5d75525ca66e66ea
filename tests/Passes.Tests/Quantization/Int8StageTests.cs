// The -O int8 stages as passes: the float preparation, the planner's decisions, and the static pipeline's order and checks.
using Onnxc.Evaluation.Data;
using Onnxc.GraphIR;
using Onnxc.Passes.Pipelines;
using Onnxc.Passes.Quantization;
using Onnxc.Passes.Quantization.Stages;
using Onnxc.TestSupport;
using static Onnxc.Passes.Tests.TestGraphs;

namespace Onnxc.Passes.Tests.Quantization;

public sealed class Int8StageTests
{
    /// <summary>
    /// Opset 11, IR 3 style: the conv weight is also a graph input, an inference Dropout, a Conv with default
    /// strides followed by a bias Add, and a 2-D MatMul followed by a bias Add.
    /// </summary>
    private static Model UnpreparedModel()
    {
        Model m = NewModel(opset: 11);
        Graph g = m.Graph;
        var rng = new Random(3);
        Value x = Input(g, "x", 1, 3, 6, 6);
        Value w = Random(g, "w", rng, 4, 3, 3, 3);
        g.AddInput(w);
        Value drop = Op(g, "Dropout", [x], NodeAttribute.Of("ratio", 0.5f));
        Value conv = Op(g, "Conv", [drop, w], NodeAttribute.Of("strides", 1L, 1L), NodeAttribute.Of("group", 1L));
        Value biased = Op(g, "Add", [conv, Random(g, "cb", rng, 4, 1, 1)]);
        Value flat = Op(g, "Flatten", [Op(g, "Relu", [biased])]);
        Value mm = Op(g, "MatMul", [flat, Random(g, "fw", rng, 64, 5)]);
        Value logits = Op(g, "Add", [mm, Random(g, "fb", rng, 5)]);
        Output(g, logits, Float(1, 5));
        return m;
    }

    [Fact]
    public void PreparationBringsTheModelToOpset13AndFoldsItsBiasesWithTheSameOutputs()
    {
        Model m = UnpreparedModel();

        OrtCheck.AssertPreserved(m, model => QuantizationPreparation.Run(model));

        Assert.Equal(13, m.OpsetVersion());
        Assert.Equal(0, Count(m, "Dropout"));
        Assert.Equal(0, Count(m, "Add"));
        Assert.Equal(0, Count(m, "MatMul"));
        Assert.Equal(1, Count(m, "Gemm"));
        Node conv = m.Graph.Nodes.Single(n => n.OpType == "Conv");
        Assert.Equal(3, conv.Inputs.Count);
        Assert.Null(conv.Attribute("strides"));
        Assert.Null(conv.Attribute("group"));
        Assert.DoesNotContain(m.Graph.Inputs, v => v.IsInitializer);
        Assert.DoesNotContain(m.Graph.Initializers, v => v.Uses.Count == 0);
    }

    [Fact]
    public void PreparationReportsEachOfItsPasses()
    {
        PassRunReport report = QuantizationPreparation.Run(UnpreparedModel());

        Assert.Equal(
            ["upgrade-opset-for-int8", "fold-constants", "probe-types", "fuse-bias-for-int8", "remove-default-attributes", "remove-unused-initializers"],
            report.Results.Select(r => r.Pass));
        Assert.True(report.Results.Single(r => r.Pass == "fuse-bias-for-int8").Changed);
        Assert.True(report.Results.Single(r => r.Pass == "remove-default-attributes").Changed);
        // Types are derived facts: probing them is not a change.
        Assert.False(report.Results.Single(r => r.Pass == "probe-types").Changed);
    }

    [Fact]
    public void TheBiasFoldCanBeDisabledByItsRuleName()
    {
        Model m = UnpreparedModel();
        QuantizationPreparation.Run(m, new PassContext(new PassOptions { DisabledPasses = ["fuse-matmul-add-to-gemm"] }));

        Assert.Equal(1, Count(m, "MatMul"));
        Assert.Equal(0, Count(m, "Gemm"));
    }

    [Fact]
    public void PlannerQuantizesWeightedOpsAndSaysWhyTheRestStaysFloat()
    {
        Model m = TinyModels.ConvNet();
        QuantizationPreparation.Run(m);

        QuantizationPlan plan = QuantizationPlanner.Plan(m, new QuantizationOptions { Exclude = ["conv2", "Sigmoid"] });

        NodeDecision Of(string node) => plan.Decisions.Single(d => d.Node == node);
        Assert.True(Of("conv1").Quantized, Of("conv1").Reason);
        Assert.True(Of("fc").Quantized, Of("fc").Reason);
        Assert.False(Of("conv2").Quantized);
        Assert.Equal("excluded (--exclude)", Of("conv2").Reason);
        Assert.False(Of("sigmoid").Quantized);
        Assert.All(plan.Decisions.Where(d => !d.Quantized), d => Assert.False(string.IsNullOrEmpty(d.Reason)));
        // Ranges are observed for activations only: weights are quantized from their own values.
        Assert.Contains("x", plan.CalibratedTensors);
        Assert.DoesNotContain(plan.CalibratedTensors, t => m.Graph.FindValue(t) is { IsInitializer: true });
    }

    [Fact]
    public void TheStaticPipelineRunsEveryStageInOrderAndVerifiesAfterEach()
    {
        using var tmp = new TempDir();
        Model model = TinyModels.ConvNet();
        SampleSet calibration = TinyModels.Samples(tmp.Path, model, [3, 8, 8], 32, seed: 4);
        var recorder = new StageRecorder();
        var context = new PassContext(new PassOptions { VerifyEach = true });
        context.Instruments.Add(recorder);

        QuantizationResult result = Int8Compiler.Compile(model, new QuantizationOptions(), calibration, passes: context);

        Assert.Equal(Int8Pipelines.Static().Passes.Select(p => p.Name), recorder.Passes);
        Assert.Contains("emit-qdq", recorder.Changed);
        Assert.True(result.Summary.Verification!.Passed, result.Summary.Verification.Message);
        Assert.Contains(result.Model.Graph.Nodes, n => n.OpType == "QuantizeLinear");
        // The caller's model is not touched.
        Assert.DoesNotContain(model.Graph.Nodes, n => n.OpType == "QuantizeLinear");
    }

    [Fact]
    public void AStageOutsideAnInt8CompileSaysWhatItLacks()
    {
        var e = Assert.Throws<InvalidOperationException>(() => new PassManager().Add(PassRegistry.Get("plan-int8")).Run(TinyModels.ConvNet(), new PassContext()));

        Assert.Contains(nameof(Int8Session), e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void StagesWithoutWhichThereIsNoModelCannotBeDisabled()
    {
        string[] required = [.. Int8Pipelines.Static().Passes.Where(p => !p.CanBeDisabled).Select(p => p.Name)];

        Assert.Equal(["upgrade-opset-for-int8", "probe-types", "plan-int8", "calibrate", "control-accuracy", "emit-qdq", "lower-qoperator"], required);
        Assert.All(required, n => Assert.Contains("cannot be disabled", Assert.Throws<ArgumentException>(() => PassRegistry.Validate([n])).Message, StringComparison.Ordinal));
        PassRegistry.Validate(["verify-int8", "clean-up-qdq", "fuse-bias-for-int8"]);
    }
}
