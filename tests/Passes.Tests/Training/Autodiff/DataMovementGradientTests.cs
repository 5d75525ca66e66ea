// Gradient checks of data movement: Transpose, Concat, Split (every form), Slice (negative steps, clamping), Gather.
using Onnxc.GraphIR;

namespace Onnxc.Passes.Tests.Training.Autodiff;

public sealed class DataMovementGradientTests
{
    [Theory]
    [InlineData(new long[] { 2, 0, 1 })]
    [InlineData(null)]
    public void TransposeWithAndWithoutPerm(long[]? perm)
    {
        Model m = perm is null
            ? GradientModels.Single("Transpose", 13, [[2, 3, 4]])
            : GradientModels.Single("Transpose", 13, [[2, 3, 4]], NodeAttribute.Of("perm", perm));
        GradientCheck.AssertGradients(m, "x0");
    }

    [Theory]
    [InlineData(1L)]
    [InlineData(-1L)]
    public void ConcatSplitsTheGradientBack(long axis)
    {
        long[][] dims = axis == 1 ? [[2, 3, 4], [2, 1, 4], [2, 5, 4]] : [[2, 3, 4], [2, 3, 1], [2, 3, 2]];
        GradientCheck.AssertGradients(GradientModels.Single("Concat", 13, dims, NodeAttribute.Of("axis", axis)), GradientModels.Names(3));
    }

    [Theory]
    [InlineData(11L)]
    [InlineData(13L)]
    [InlineData(18L)]
    public void SplitInEveryForm(long opset)
    {
        Model m = GradientModels.New(opset);
        Value x = GradientModels.Input(m, "x0", 3, 7);
        if (opset >= 18)
        {
            GradientModels.Node(m, "Split", [x], 3, NodeAttribute.Of("axis", 1L), NodeAttribute.Of("num_outputs", 3L));
        }
        else if (opset >= 13)
        {
            GradientModels.Node(m, "Split", [x, TestGraphs.Ints(m.Graph, "sizes", 2, 4, 1)], 3, NodeAttribute.Of("axis", 1L));
        }
        else
        {
            GradientModels.Node(m, "Split", [x], 3, NodeAttribute.Of("axis", 1L), NodeAttribute.Of("split", new long[] { 2, 4, 1 }));
        }

        GradientCheck.AssertGradients(m, "x0");
    }

    [Fact]
    public void SplitWithAnUnusedOutput()
    {
        Model m = GradientModels.New(13);
        Value x = GradientModels.Input(m, "x0", 4, 6);
        Node split = m.Graph.AddNode("Split", [x, TestGraphs.Ints(m.Graph, "sizes", 1, 3)], ["a", "b"], [NodeAttribute.Of("axis", 0L)], name: "split_fwd");
        m.Graph.AddOutput(GradientModels.Op(m, "Mul", [split.Outputs[1]!, split.Outputs[1]!]));
        GradientCheck.AssertGradients(m, "x0");
    }

    public static TheoryData<long[], long[], long[], long[]> SliceCases() => new()
    {
        { [1, 0], [4, 5], [0, 1], [1, 2] },
        { [-1, 4], [-100, 0], [0, 1], [-1, -2] },
        { [2], [1000], [-1], [1] },
        { [-3, 1], [-1, 100], [0, 1], [1, 3] },
    };

    [Theory]
    [MemberData(nameof(SliceCases))]
    public void SliceScattersBack(long[] starts, long[] ends, long[] axes, long[] steps)
    {
        Model m = GradientModels.New(13);
        Value x = GradientModels.Input(m, "x0", 5, 6);
        GradientModels.Node(m, "Slice", [x, TestGraphs.Ints(m.Graph, "starts", starts), TestGraphs.Ints(m.Graph, "ends", ends),
            TestGraphs.Ints(m.Graph, "axes", axes), TestGraphs.Ints(m.Graph, "steps", steps)], 1);
        GradientCheck.AssertGradients(m, "x0");
    }

    [Theory]
    [InlineData(0L, 13L)]
    [InlineData(1L, 13L)]
    [InlineData(-1L, 16L)]
    [InlineData(1L, 16L)]
    public void GatherAccumulatesRepeatedIndices(long axis, long opset)
    {
        Model m = GradientModels.New(opset);
        Value x = GradientModels.Input(m, "x0", 4, 5, 3);
        Value idx = m.Graph.AddInitializer("idx", TensorData.FromInt64s([2, 3], [0, 2, -1, 2, 2, 1]));
        GradientModels.Node(m, "Gather", [x, idx], 1, NodeAttribute.Of("axis", axis));
        GradientCheck.AssertGradients(m, "x0");
    }
}
