// Tests of eliminate-dead-code, remove-unused-initializers and merge-duplicate-initializers.
using Onnxc.GraphIR;
using Onnxc.Passes.Cleanup;
using static Onnxc.Passes.Tests.TestGraphs;

namespace Onnxc.Passes.Tests.Cleanup;

public sealed class GraphHygieneTests
{
    [Fact]
    public void RemovesDeadChainsInOneRun()
    {
        Model m = NewModel();
        Graph g = m.Graph;
        Value x = Input(g, "x", 3);
        Op(g, "Relu", [Op(g, "Neg", [x])]);
        Output(g, Op(g, "Abs", [x]), Float(3));
        OrtCheck.RunPass(m, new DeadCodeElimination());
        Assert.Single(m.Graph.Nodes);
    }

    [Fact]
    public void KeepsNodesReadOnlyInsideSubgraphs()
    {
        Model m = NewModel();
        Graph g = m.Graph;
        Value x = Input(g, "x", 3);
        Value outer = Op(g, "Neg", [x]);
        Graph branch = m.CreateGraph("then");
        Value inner = Op(branch, "Relu", [outer]);
        branch.AddOutput(inner);
        Graph other = m.CreateGraph("else");
        Value inner2 = Op(other, "Abs", [x]);
        other.AddOutput(inner2);
        Value cond = g.AddInput("c", new TensorType(ElementType.Bool, TensorShape.Scalar));
        Node iff = g.AddNode("If", [cond], 1, [new NodeAttribute("then_branch", AttributeKind.Graph) { G = branch }, new NodeAttribute("else_branch", AttributeKind.Graph) { G = other }]);
        g.AddOutput(iff.Outputs[0]!);
        OrtCheck.RunPass(m, new DeadCodeElimination());
        Assert.Equal(1, Count(m, "Neg"));
    }

    [Fact]
    public void RemovesUnusedInitializersButNotGraphInputs()
    {
        Model m = NewModel();
        Graph g = m.Graph;
        Const(g, "unused", [1], [1f]);
        Value overridable = Const(g, "default", [1], [2f]);
        g.AddInput(overridable);
        Output(g, Op(g, "Neg", [Input(g, "x", 1)]), Float(1));
        OrtCheck.RunPass(m, new UnusedInitializerRemoval());
        Assert.Equal(["default"], m.Graph.Initializers.Select(v => v.Name));
    }

    [Fact]
    public void MergesBitIdenticalInitializersAndMatchesOrt()
    {
        Model m = NewModel();
        Graph g = m.Graph;
        Value x = Input(g, "x", 3);
        Value a = Op(g, "Add", [x, Const(g, "k1", [3], [1, 2, 3])]);
        Value b = Op(g, "Mul", [a, Const(g, "k2", [3], [1, 2, 3])]);
        Value c = Op(g, "Sub", [b, Const(g, "k3", [3], [1, 2, 4])]);
        Output(g, c, Float(3));
        OrtCheck.AssertPreserved(m, model => OrtCheck.RunPass(model, new DuplicateInitializerMerging()));
        Assert.Equal(["k1", "k3"], m.Graph.Initializers.Select(v => v.Name));
    }

    [Fact]
    public void DoesNotMergeEqualBytesOfDifferentShapes()
    {
        Model m = NewModel();
        Graph g = m.Graph;
        Value x = Input(g, "x", 2, 2);
        Value a = Op(g, "Add", [x, Const(g, "k1", [4], [1, 2, 3, 4])]);
        Value b = Op(g, "Add", [x, Const(g, "k2", [2, 2], [1, 2, 3, 4])]);
        Output(g, a, Float(2, 4));
        Output(g, b, Float(2, 2));
        OrtCheck.RunPass(m, new DuplicateInitializerMerging());
        Assert.Equal(2, m.Graph.Initializers.Count);
    }

    [Fact]
    public void DoesNotMergeOverridableInitializers()
    {
        Model m = NewModel();
        Graph g = m.Graph;
        Value x = Input(g, "x", 3);
        Value k2 = Const(g, "k2", [3], [1, 2, 3]);
        g.AddInput(k2);
        Output(g, Op(g, "Add", [Op(g, "Add", [x, Const(g, "k1", [3], [1, 2, 3])]), k2]), Float(3));
        OrtCheck.RunPass(m, new DuplicateInitializerMerging());
        Assert.Equal(2, m.Graph.Initializers.Count);
    }
}
