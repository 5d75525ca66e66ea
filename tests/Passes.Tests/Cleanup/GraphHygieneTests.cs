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

    /// <summary>
    /// Two convolutions of a fresh network: equal zero biases and equal BatchNorm parameters and statistics, and a
    /// shared-looking axes constant. Only the axes merge; each layer keeps its own parameters, so training or
    /// pruning one of them later cannot change the other.
    /// </summary>
    [Fact]
    public void KeepsEachLayersParametersItsOwnAndStillMergesOperands()
    {
        Model m = NewModel();
        Graph g = m.Graph;
        var rng = new Random(3);
        Value x = Input(g, "x", 1, 4, 6, 6);
        Value h = x;
        for (int layer = 1; layer <= 2; layer++)
        {
            h = Op(g, "Conv", [h, Random(g, $"w{layer}", rng, 4, 4, 1, 1), Const(g, $"b{layer}", [4], new float[4])]);
            h = Op(g, "BatchNormalization", [h, Const(g, $"gamma{layer}", [4], [1, 1, 1, 1]), Const(g, $"beta{layer}", [4], new float[4]),
                Const(g, $"mean{layer}", [4], new float[4]), Const(g, $"var{layer}", [4], [1, 1, 1, 1])]);
            h = Op(g, "ReduceSum", [h, Ints(g, $"axes{layer}", 1)]);
            h = Op(g, "Expand", [h, Ints(g, $"shape{layer}", 1, 4, 6, 6)]);
        }

        Output(g, h, Float(1, 4, 6, 6));
        OrtCheck.AssertPreserved(m, model => OrtCheck.RunPass(model, new DuplicateInitializerMerging()));

        string[] kept = [.. m.Graph.Initializers.Select(v => v.Name)];
        Assert.DoesNotContain("axes2", kept);
        Assert.DoesNotContain("shape2", kept);
        foreach (string p in new[] { "b", "gamma", "beta", "mean", "var" })
        {
            Assert.Contains(p + "1", kept);
            Assert.Contains(p + "2", kept);
        }
    }
}
