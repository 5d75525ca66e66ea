// Tests of Model.Clone: a deep copy with a value map that exports to the same bytes and is independent of its source.
using Google.Protobuf;
using Onnxc.GraphIR.Analysis;
using Onnxc.GraphIR.Onnx;
using Onnxc.GraphIR.Tests.Conformance;
using Onnxc.TestSupport;

namespace Onnxc.GraphIR.Tests.Mutation;

public sealed class ModelCloneTests
{
    private const ElementType F = ElementType.Float;

    private static byte[] Bytes(Model m) => OnnxExporter.ToProto(m).ToByteArray();

    /// <summary>x → Relu → If(cond) { then: Add(r, c) reading the outer r; else: Neg(r) } → y, plus a local function.</summary>
    private static Model WithSubgraphAndFunction()
    {
        GraphBuilder b = GraphBuilder.ForNewModel(17);
        Model m = b.Model;
        Value x = b.Input("x", F, 2, 3);
        Value cond = b.Input("cond", ElementType.Bool);
        Value r = b.Op("Relu", "r", [x]);

        Graph then = m.CreateGraph("then");
        var tb = new GraphBuilder(then);
        Value c = tb.Initializer("c", TensorData.FromFloats([3], [1, 2, 3]));
        tb.Output(tb.Op("Add", "then_out", [r, c]));
        Graph otherwise = m.CreateGraph("else");
        var eb = new GraphBuilder(otherwise);
        eb.Output(eb.Op("Neg", "else_out", [r]));

        Node branch = b.Add("If", [cond], ["y"], [new NodeAttribute("then_branch", AttributeKind.Graph) { G = then }, new NodeAttribute("else_branch", AttributeKind.Graph) { G = otherwise }]);
        b.Graph.SetNodeInfo(branch, docString: "the branch");
        b.Output(branch.Outputs[0]!);

        Graph body = m.CreateGraph("double_it");
        Value fx = body.AddInput("fx", null);
        body.AddOutput(body.AddNode("Add", [fx, fx], ["fy"]).Outputs[0]!);
        m.AddFunction(new FunctionDef("tests.local", "DoubleIt", body) { Opsets = [new OpsetImport("", 17)] });
        m.SetOpset("tests.local", 1);
        b.Output(b.Graph.AddNode("DoubleIt", [r], ["z"], domain: "tests.local").Outputs[0]!);
        m.DocString = "made by the clone test";
        return m;
    }

    [Fact]
    public void ACloneExportsToTheSameBytesAndMapsEveryValueIntoItsOwnGraphs()
    {
        Model source = WithSubgraphAndFunction();

        Model copy = source.Clone(out IReadOnlyDictionary<Value, Value> map);

        Assert.Equal(Bytes(source), Bytes(copy));
        List<Value> all = [.. source.AllGraphs().SelectMany(g => g.Values)];
        Assert.Equal(all.Count, map.Count);
        var copyGraphs = copy.AllGraphs().ToHashSet();
        foreach (Value v in all)
        {
            Value c = map[v];
            Assert.Equal(v.Name, c.Name);
            Assert.Equal(v.Type, c.Type);
            Assert.Equal(v.TypeIsInferred, c.TypeIsInferred);
            Assert.Contains(c.Graph, copyGraphs);
        }

        // The then-branch reads the outer r: in the copy it reads the copy's r, not the source's.
        Node copiedIf = copy.Graph.Nodes.Single(n => n.OpType == "If");
        Node add = copiedIf.Attribute("then_branch")!.G!.Nodes.Single();
        Assert.Same(map[source.Graph.FindValue("r")!], add.Inputs[0]);
        Assert.Same(copiedIf, copiedIf.Attribute("then_branch")!.G!.ParentNode);
        Assert.Equal("the branch", copiedIf.DocString);
    }

    [Fact]
    public void ChangingTheCopyLeavesTheSourceAsItWas()
    {
        Model source = WithSubgraphAndFunction();
        byte[] before = Bytes(source);
        int relUses = source.Graph.FindValue("r")!.Uses.Count;

        Model copy = source.Clone();
        Graph g = copy.Graph;
        Node doubleIt = g.Nodes.Single(n => n.OpType == "DoubleIt");
        g.RemoveOutputAt(g.Outputs.Count - 1);
        g.RemoveNode(doubleIt);
        Graph then = g.Nodes[1].Attribute("then_branch")!.G!;
        then.SetInitializer(then.Initializers[0], TensorData.FromFloats([3], [9, 9, 9]));
        Graph.SetType(g.FindValue("r")!, new TensorType(F, null));

        Assert.Equal(before, Bytes(source));
        Assert.Equal(relUses, source.Graph.FindValue("r")!.Uses.Count);
        Assert.NotEqual(before, Bytes(copy));
    }

    [Fact]
    public void ANodeReadingAValueDefinedLaterIsAClearError()
    {
        var m = new Model();
        m.SetOpset("", 17);
        Value x = m.Graph.AddInput("x", new TensorType(F, new TensorShape(2)));
        Node first = m.Graph.AddNode("Relu", [x], ["a"]);
        Node second = m.Graph.AddNode("Neg", [first.Outputs[0]], ["b"]);
        m.Graph.MoveBefore(second, first);

        var e = Assert.Throws<InvalidOperationException>(() => m.Clone());
        Assert.Contains("%a is read before it is defined", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReinferenceOnACopyFollowsTheCopysWeights()
    {
        GraphBuilder b = GraphBuilder.ForNewModel(13);
        Value x = b.Input("x", F, 1, 3, 8, 8);
        Value y = b.Op("Conv", "y", [x, b.Initializer("w", TensorData.FromFloats([8, 3, 3, 3], new float[216]))]);
        b.Output(y);

        Model copy = b.Model.Clone(out IReadOnlyDictionary<Value, Value> map);
        copy.Graph.SetInput(map[y].Producer!, 1, copy.Graph.AddInitializer("w4", TensorData.FromFloats([4, 3, 3, 3], new float[108])));
        ShapeInference.Reinfer(copy);

        Assert.Equal("FLOAT[1,4,6,6]", map[y].Type!.ToString());
        Assert.Equal("FLOAT[1,8,6,6]", y.Type!.ToString());
    }

    /// <summary>Every model of ONNX's backend suite (control flow, functions, sparse and string tensors) clones to its own bytes.</summary>
    [OnnxBackendFact]
    public void EveryBackendSuiteModelClonesToTheSameBytes()
    {
        var different = new List<string>();
        int compared = 0;
        foreach (ConformanceCase c in OnnxBackendSuite.Cases())
        {
            Model m;
            try
            {
                m = OnnxImporter.Load(c.ModelPath);
            }
            catch (InvalidModelException)
            {
                continue;
            }

            compared++;
            if (!Bytes(m).AsSpan().SequenceEqual(Bytes(m.Clone())))
            {
                different.Add(c.Id);
            }
        }

        Assert.True(compared >= 800, $"only {compared} backend models loaded");
        Assert.True(different.Count == 0, "clones differ: " + string.Join(", ", different));
    }

    [SharedTheory]
    [MemberData(nameof(SharedModels))]
    public void SharedModelsCloneToTheSameBytes(string modelFile)
    {
        Model m = OnnxImporter.Load(SharedData.Model(modelFile));
        ShapeInference.Run(m);
        Assert.Equal(Bytes(m), Bytes(m.Clone()));
    }

    public static TheoryData<string> SharedModels => new(SharedModelWorkload.ModelFiles);
}
