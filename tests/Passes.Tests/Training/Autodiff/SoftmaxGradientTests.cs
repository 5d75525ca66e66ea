// Gradient checks of Softmax and LogSoftmax on every axis (opset-13 semantics).
using Onnxc.GraphIR;

namespace Onnxc.Passes.Tests.Training.Autodiff;

public sealed class SoftmaxGradientTests
{
    [Theory]
    [InlineData("Softmax", -1)]
    [InlineData("Softmax", 0)]
    [InlineData("Softmax", 1)]
    [InlineData("LogSoftmax", -1)]
    [InlineData("LogSoftmax", 0)]
    [InlineData("LogSoftmax", 1)]
    public void SoftmaxFamilyAlongAnAxis(string op, long axis)
    {
        Model m = GradientModels.Single(op, 13, [[3, 5, 7]], NodeAttribute.Of("axis", axis));
        GradientCheck.AssertGradients(m, "x0");
    }

    [Fact]
    public void LogSoftmaxAtTheDefaultAxisAndANewerOpset()
    {
        GradientCheck.AssertGradients(GradientModels.Single("LogSoftmax", 21, [[4, 9]]), "x0");
    }
}
