// Gradient checks of the shape and data movement ops.
using Onnxc.GraphIR;

namespace Onnxc.Passes.Tests.Training.Autodiff;

public sealed class ShapeGradientTests
{
    [Theory]
    [InlineData(13)]
    [InlineData(21)]
    public void ReshapeWithInferredAndCopiedDims(long opset)
    {
        Model m = GradientModels.New(opset);
        Value x = GradientModels.Input(m, "x0", 3, 5, 2);
        Value shape = TestGraphs.Ints(m.Graph, "shape", 0, -1);
        Value y = GradientModels.Node(m, "Reshape", [x, shape], 1)[0];

        // A consumer after the reshape, so the gradient arriving at it is not all ones.
        m.Graph.RemoveOutputAt(0);
        m.Graph.AddOutput(GradientModels.Op(m, "Mul", [y, y]));
        GradientCheck.AssertGradients(m, "x0");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    [InlineData(-1)]
    public void FlattenAtAnAxis(long axis)
    {
        GradientCheck.AssertGradients(GradientModels.Single("Flatten", 13, [[3, 5, 2]], NodeAttribute.Of("axis", axis)), "x0");
    }

    [Fact]
    public void IdentityPassesTheGradient()
    {
        GradientCheck.AssertGradients(GradientModels.Single("Identity", 13, [[3, 5]]), "x0");
    }
}
