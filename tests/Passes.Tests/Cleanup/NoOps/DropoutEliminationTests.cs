// Tests of eliminate-dropout.
using Onnxc.GraphIR;
using Onnxc.Passes.Cleanup.NoOps;
using static Onnxc.Passes.Tests.TestGraphs;

namespace Onnxc.Passes.Tests.Cleanup.NoOps;

public sealed class DropoutEliminationTests
{
    [Fact]
    public void RemovesInferenceDropoutAndMatchesOrt()
    {
        Model m = NewModel();
        Graph g = m.Graph;
        Value d = Op(g, "Dropout", [Op(g, "Relu", [Input(g, "x", 2, 3)]), Const(g, "ratio", [], [0.3f])]);
        Output(g, Op(g, "Relu", [d]), Float(2, 3));
        OrtCheck.AssertPreserved(m, model => Assert.Equal(1, RuleRunner.Apply(model, new DropoutElimination()).Applied));
        Assert.Equal(0, Count(m, "Dropout"));
    }

    [Fact]
    public void KeepsDropoutWhoseMaskIsUsed()
    {
        Model m = NewModel();
        Graph g = m.Graph;
        Node d = g.AddNode("Dropout", [Op(g, "Relu", [Input(g, "x", 2, 3)])], ["y", "mask"]);
        Output(g, Untyped(g, "Relu", [d.Outputs[0]]), Float(2, 3));
        Output(g, d.Outputs[1]!, new TensorType(ElementType.Bool, new TensorShape(2, 3)));
        RuleRunner.AssertRejected(m, new DropoutElimination(), "secondary output");
    }

    [Fact]
    public void KeepsTrainingDropout()
    {
        Model m = NewModel();
        Graph g = m.Graph;
        Value training = g.AddInitializer("t", TensorData.FromBytes(ElementType.Bool, [], new byte[] { 1 }));
        Value d = Op(g, "Dropout", [Op(g, "Relu", [Input(g, "x", 2, 3)]), Const(g, "ratio", [], [0.3f]), training]);
        Output(g, Op(g, "Relu", [d]), Float(2, 3));
        RuleRunner.AssertRejected(m, new DropoutElimination(), "training_mode is true");
    }

    [Fact]
    public void KeepsDropoutWithRuntimeTrainingMode()
    {
        Model m = NewModel();
        Graph g = m.Graph;
        Value training = g.AddInput("t", new TensorType(ElementType.Bool, TensorShape.Scalar));
        Value d = Op(g, "Dropout", [Op(g, "Relu", [Input(g, "x", 2, 3)]), Const(g, "ratio", [], [0.3f]), training]);
        Output(g, Op(g, "Relu", [d]), Float(2, 3));
        RuleRunner.AssertRejected(m, new DropoutElimination(), "not a constant");
    }
}
