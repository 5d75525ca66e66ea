// Tests of GraphBuilder: nodes are typed by inference as they are added, and untypable nodes are refused.
using Onnxc.GraphIR.Analysis;

namespace Onnxc.GraphIR.Tests.Mutation;

public sealed class GraphBuilderTests
{
    private const ElementType F = ElementType.Float;

    private static Value Weights(GraphBuilder b, string name, params long[] dims) =>
        b.Initializer(name, TensorData.FromFloats(dims, new float[TensorData.CountElements(dims)]));

    [Fact]
    public void EveryLayerOfAClassifierIsTypedAsItIsAdded()
    {
        GraphBuilder b = GraphBuilder.ForNewModel(13);
        Value x = b.Input("x", F, Dim.Symbol("N"), 3, 8, 8);
        Value conv = b.Op("Conv", [x, Weights(b, "w", 4, 3, 3, 3)], NodeAttribute.Of("pads", 1L, 1L, 1L, 1L));
        Assert.Equal("FLOAT[N,4,8,8]", conv.Type!.ToString());

        Value pool = b.Op("MaxPool", [b.Op("Relu", [conv])], NodeAttribute.Of("kernel_shape", 2L, 2L), NodeAttribute.Of("strides", 2L, 2L));
        Value flat = b.Op("Flatten", [pool]);
        Value y = b.Op("Gemm", [flat, Weights(b, "fc", 10, 64)], NodeAttribute.Of("transB", 1L));

        Assert.Equal("FLOAT[N,4,4,4]", pool.Type!.ToString());
        Assert.Equal("FLOAT[N,64]", flat.Type!.ToString());
        Assert.Equal("FLOAT[N,10]", y.Type!.ToString());
        Assert.True(y.TypeIsInferred);
        Assert.False(x.TypeIsInferred);
    }

    [Fact]
    public void ShapeArithmeticBuiltThroughOneBuilderResolves()
    {
        GraphBuilder b = GraphBuilder.ForNewModel(13);
        Value x = b.Input("x", F, Dim.Symbol("N"), 3, 4, 4);
        Value n = b.Op("Gather", [b.Op("Shape", [x]), b.Initializer("zero", TensorData.Scalar(0L))], NodeAttribute.Of("axis", 0L));
        Value target = b.Op("Concat", [b.Op("Unsqueeze", [n, b.Initializer("axes", TensorData.FromInt64s([1], [0]))]), b.Initializer("rest", TensorData.FromInt64s([1], [-1]))], NodeAttribute.Of("axis", 0L));
        Value y = b.Op("Reshape", [x, target]);

        Assert.Equal("FLOAT[N,48]", y.Type!.ToString());
    }

    [Fact]
    public void ANodeWhoseTypeCannotBeInferredIsRefusedAndNotLeftInTheGraph()
    {
        GraphBuilder b = GraphBuilder.ForNewModel(13);
        Value x = b.Input("x", F, 2, 3);

        var e = Assert.Throws<InvalidOperationException>(() => b.Add("Mystery", [x], ["m"], domain: "example.unknown", name: "mystery1"));

        Assert.Contains("'m'", e.Message, StringComparison.Ordinal);
        Assert.Contains("example.unknown:Mystery node 'mystery1'", e.Message, StringComparison.Ordinal);
        Assert.Empty(b.Graph.Nodes);
        Assert.Null(b.Graph.FindValue("m"));
        Assert.Empty(x.Uses);
    }

    [Fact]
    public void WithoutRequiredTypesAnUntypableNodeStaysUntyped()
    {
        var b = new GraphBuilder(GraphBuilder.ForNewModel(13).Graph) { RequireTypes = false };
        Value x = b.Input("x", F, 2, 3);

        Node node = b.Add("Mystery", [x], ["m"], domain: "example.unknown");

        Assert.Null(node.Outputs[0]!.Type);
        Assert.Single(b.Graph.Nodes);
    }

    [Fact]
    public void InsertBeforePlacesNewNodesAheadOfTheAnchor()
    {
        GraphBuilder b = GraphBuilder.ForNewModel(13);
        Value x = b.Input("x", F, 2, 3);
        Value last = b.Op("Relu", [x]);

        b.InsertBefore = last.Producer;
        Value first = b.Op("Neg", [x]);

        Assert.Equal(["Neg", "Relu"], b.Graph.Nodes.Select(n => n.OpType));
        Assert.Equal("FLOAT[2,3]", first.Type!.ToString());
    }

    [Fact]
    public void AfterAWeightShrinksReinferenceGivesTheNewChannelCountDownstream()
    {
        GraphBuilder b = GraphBuilder.ForNewModel(13);
        Value x = b.Input("x", F, 1, 3, 8, 8);
        Value conv = b.Op("Conv", [x, Weights(b, "w", 8, 3, 3, 3)]);
        Value gap = b.Op("GlobalAveragePool", [b.Op("Relu", [conv])]);
        b.Output(gap);
        Assert.Equal("FLOAT[1,8,1,1]", gap.Type!.ToString());

        // Pruning keeps 4 of the 8 filters: the builder's types are inferred ones, so re-inference replaces them.
        b.Graph.SetInput(conv.Producer!, 1, Weights(b, "w_pruned", 4, 3, 3, 3));
        ShapeInference.Reinfer(b.Model);

        Assert.Equal("FLOAT[1,4,6,6]", conv.Type!.ToString());
        Assert.Equal("FLOAT[1,4,1,1]", gap.Type!.ToString());
    }
}
