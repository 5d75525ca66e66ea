// The gradient check itself: it must fail on a broken rule, and the driver must refuse an op it cannot differentiate.
using Onnxc.GraphIR;
using Onnxc.Passes.Training;
using Onnxc.Passes.Training.Autodiff;
using Onnxc.Passes.Training.Autodiff.Rules;

namespace Onnxc.Passes.Tests.Training.Autodiff;

public sealed class GradientCheckSelfTests
{
    [Fact]
    public void TheCheckFailsWhenARuleIsBroken()
    {
        // Relu's gradient with its mask dropped (dY passed straight through): wrong wherever x < 0.
        var broken = new GradientRuleSet([new AddSubRule(), new MulRule(), new ReduceSumMeanRule(), new SumRule(), new PassThroughRelu()]);
        Model m = GradientModels.Single("Relu", 17, [[4, 7]]);
        IReadOnlyList<GradientCheck.Result> results = GradientCheck.Check(m, GradientModels.Names(1), broken);
        Assert.True(results[0].WorstRatio > 1, $"the broken rule passed the check: {results[0].Worst}");

        // The same graph with the real rule passes, so the failure above is the rule's.
        Model good = GradientModels.Single("Relu", 17, [[4, 7]]);
        GradientCheck.AssertAll(GradientCheck.Check(good, GradientModels.Names(1)));
    }

    [Fact]
    public void AnOpWithNoRuleOnThePathIsAnErrorNamingTheNode()
    {
        Model m = GradientModels.Single("Relu", 17, [[3]]);
        Graph g = m.Graph;
        Value x = g.Inputs[0];
        Value relu = g.Outputs[0];
        Value hard = g.AddNode("HardSwish", [relu], ["hs"], name: "swish1").Outputs[0]!;
        Value loss = g.AddNode("ReduceSum", [hard], 1, [NodeAttribute.Of("keepdims", 0L)]).Outputs[0]!;
        var e = Assert.Throws<TrainingException>(() => Differentiator.Differentiate(g, loss, [x]));
        Assert.Contains("HardSwish", e.Message);
        Assert.Equal("swish1", e.Node?.Name);
    }

    [Fact]
    public void AValueTheLossDoesNotReadGetsNoGradient()
    {
        Model m = GradientModels.Single("Relu", 17, [[3]]);
        Graph g = m.Graph;
        Value x = g.Inputs[0];
        Value unused = g.AddInput("unused", TestGraphs.Float(3));
        g.AddNode("Neg", [unused], ["neg_unused"]);
        Value loss = g.AddNode("ReduceSum", [g.Outputs[0]], 1, [NodeAttribute.Of("keepdims", 0L)]).Outputs[0]!;
        int before = g.Nodes.Count;
        IReadOnlyDictionary<Value, Value?> grads = Differentiator.Differentiate(g, loss, [x, unused]);
        Assert.NotNull(grads[x]);
        Assert.Null(grads[unused]);
        Assert.DoesNotContain(g.Nodes.Skip(before), n => n.Inputs.Contains(unused));
    }

    private sealed class PassThroughRelu : IGradientRule
    {
        public IReadOnlyList<string> OpTypes => ["Relu"];

        public IReadOnlyList<Value?> Backward(GradientContext context, Node node, IReadOnlyList<Value?> outputGrads) =>
            [outputGrads[0]];
    }
}
