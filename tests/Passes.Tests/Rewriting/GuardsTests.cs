// Tests of the reusable guards: each returns null when it holds and a reason naming the value when not.
using Onnxc.GraphIR;
using Onnxc.Passes.Rewriting;
using static Onnxc.Passes.Tests.TestGraphs;

namespace Onnxc.Passes.Tests.Rewriting;

public sealed class GuardsTests
{
    [Fact]
    public void SingleUse()
    {
        Model m = NewModel();
        Graph g = m.Graph;
        Value x = Input(g, "x", 2);
        Value once = Op(g, "Relu", [x]);
        Output(g, Op(g, "Neg", [once]), Float(2));
        Assert.Null(Guards.SingleUse(once));
        Value twice = Op(g, "Abs", [x]);
        Output(g, Op(g, "Add", [twice, twice]), Float(2));
        Assert.Contains("2 uses", Guards.SingleUse(twice), StringComparison.Ordinal);
        Assert.Contains("graph output", Guards.SingleUse(g.Outputs[0]), StringComparison.Ordinal);
    }

    [Fact]
    public void ConstantInitializer()
    {
        Model m = NewModel();
        Graph g = m.Graph;
        Value k = Const(g, "k", [1], [1f]);
        Assert.Null(Guards.ConstantInitializer(k));
        g.AddInput(k);
        Assert.Contains("%k is not a constant initializer", Guards.ConstantInitializer(k), StringComparison.Ordinal);
        Assert.Contains("absent", Guards.ConstantInitializer(null), StringComparison.Ordinal);
    }

    [Fact]
    public void NotGraphInputOrOutput()
    {
        Model m = NewModel();
        Graph g = m.Graph;
        Value x = Input(g, "x", 2);
        Value r = Op(g, "Relu", [x]);
        Value y = Op(g, "Neg", [r]);
        Output(g, y, Float(2));
        Assert.Null(Guards.NotGraphInputOrOutput(r));
        Assert.Contains("graph input", Guards.NotGraphInputOrOutput(x), StringComparison.Ordinal);
        Assert.Contains("graph output", Guards.NotGraphInputOrOutput(y), StringComparison.Ordinal);
    }

    [Fact]
    public void NotSharedOutside()
    {
        Model m = NewModel();
        Graph g = m.Graph;
        Value x = Input(g, "x", 2);
        Value a = Op(g, "Relu", [x]);
        Value b = Op(g, "Neg", [a]);
        Output(g, b, Float(2));
        Assert.Null(Guards.NotSharedOutside(b.Producer!, a.Producer!, b.Producer!));
        Output(g, Op(g, "Abs", [a]), Float(2));
        Assert.Contains("also read by", Guards.NotSharedOutside(b.Producer!, a.Producer!, b.Producer!), StringComparison.Ordinal);
    }

    [Fact]
    public void OpsetAtLeast()
    {
        Assert.Null(Guards.OpsetAtLeast(NewModel(17), 17));
        Assert.Contains("opset 13", Guards.OpsetAtLeast(NewModel(13), 17), StringComparison.Ordinal);
    }
}
