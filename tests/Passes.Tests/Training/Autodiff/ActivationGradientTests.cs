// Gradient checks of the activations and elementwise functions: Sigmoid, Tanh, Erf, Gelu, LeakyRelu, Clip, Exp, Log, Sqrt, Pow, Cast.
using Onnxc.GraphIR;

namespace Onnxc.Passes.Tests.Training.Autodiff;

public sealed class ActivationGradientTests
{
    [Theory]
    [InlineData("Sigmoid")]
    [InlineData("Tanh")]
    [InlineData("Erf")]
    [InlineData("Exp")]
    public void SmoothUnaryFunctions(string op)
    {
        GradientCheck.AssertGradients(GradientModels.Single(op, 13, [[3, 7, 2]]), "x0");
    }

    [Theory]
    [InlineData("Log")]
    [InlineData("Sqrt")]
    public void FunctionsOfPositiveInputs(string op)
    {
        Model m = GradientModels.Single(op, 13, [[4, 5]]);
        float[] positive = [.. Enumerable.Range(0, 20).Select(i => 0.3f + (i * 0.11f))];
        GradientCheck.AssertAll(GradientCheck.Check(m, ["x0"], inputValues: new Dictionary<string, float[]> { ["x0"] = positive }));
    }

    [Theory]
    [InlineData("none")]
    [InlineData("tanh")]
    public void GeluBothForms(string approximate)
    {
        GradientCheck.AssertGradients(GradientModels.Single("Gelu", 20, [[5, 6]], NodeAttribute.Of("approximate", approximate)), "x0");
    }

    [Fact]
    public void LeakyReluAwayFromTheKink()
    {
        Model m = GradientModels.Single("LeakyRelu", 16, [[4, 6]], NodeAttribute.Of("alpha", 0.2f));
        GradientCheck.AssertAll(GradientCheck.Check(m, ["x0"], inputValues: new Dictionary<string, float[]> { ["x0"] = AwayFrom([0f], 24) }));
    }

    [Theory]
    [InlineData(13L)]
    [InlineData(11L)]
    public void ClipPassesInsideTheRangeOnly(long opset)
    {
        Model m = GradientModels.New(opset);
        Value x = GradientModels.Input(m, "x0", 4, 6);
        Value lo = m.Graph.AddInitializer("lo", TensorData.Scalar(-0.45f));
        Value hi = m.Graph.AddInitializer("hi", TensorData.Scalar(0.55f));
        GradientModels.Node(m, "Clip", [x, lo, hi], 1);
        GradientCheck.AssertAll(GradientCheck.Check(m, ["x0"], inputValues: new Dictionary<string, float[]> { ["x0"] = AwayFrom([-0.45f, 0.55f], 24) }));
    }

    /// <summary>Attribute-bound Clip (before opset 11) is refused by name; the training graph builder upgrades such models.</summary>
    [Fact]
    public void ClipWithAttributeBoundsNamesTheNode()
    {
        Model m = GradientModels.New(6);
        Value x = GradientModels.Input(m, "x0", 4, 6);
        GradientModels.Node(m, "Clip", [x], 1, NodeAttribute.Of("min", -0.45f), NodeAttribute.Of("max", 0.55f));
        var e = Assert.Throws<Passes.Training.TrainingException>(() => GradientCheck.Check(m, ["x0"]));
        Assert.Contains("Clip", e.Message);
        Assert.Equal("Clip", e.Node!.OpType);
    }

    [Fact]
    public void ClipBoundsAsTrainedInputs()
    {
        Model m = GradientModels.New(13);
        Value x = GradientModels.Input(m, "x0", 4, 6);
        Value lo = GradientModels.Input(m, "lo");
        Value hi = GradientModels.Input(m, "hi");
        GradientModels.Node(m, "Clip", [x, lo, hi], 1);
        var values = new Dictionary<string, float[]> { ["x0"] = AwayFrom([-0.45f, 0.55f], 24), ["lo"] = [-0.45f], ["hi"] = [0.55f] };
        GradientCheck.AssertAll(GradientCheck.Check(m, ["x0", "lo", "hi"], inputValues: values));
    }

    [Fact]
    public void PowWithAConstantExponentBroadcast()
    {
        Model m = GradientModels.New(15);
        Value x = GradientModels.Input(m, "x0", 3, 4);
        Value p = m.Graph.AddInitializer("p", TensorData.FromFloats([4], [2f, 3f, 0.5f, -1f]));
        GradientModels.Node(m, "Pow", [x, p], 1);
        float[] positive = [.. Enumerable.Range(0, 12).Select(i => 0.4f + (i * 0.13f))];
        GradientCheck.AssertAll(GradientCheck.Check(m, ["x0"], inputValues: new Dictionary<string, float[]> { ["x0"] = positive }));
    }

    [Fact]
    public void CastBetweenFloatTypes()
    {
        Model m = GradientModels.New(13);
        Value x = GradientModels.Input(m, "x0", 3, 5);
        Value d = GradientModels.Op(m, "Cast", [x], NodeAttribute.Of("to", (long)ElementType.Double));
        Value back = GradientModels.Op(m, "Mul", [d, d]);
        m.Graph.AddOutput(GradientModels.Op(m, "Cast", [back], NodeAttribute.Of("to", (long)ElementType.Float)));
        GradientCheck.AssertGradients(m, "x0");
    }

    /// <summary>Values in [-1, 1] at least 0.05 from each kink, so ±h never crosses one.</summary>
    private static float[] AwayFrom(float[] kinks, int count)
    {
        var rng = new Random(3);
        var values = new List<float>();
        while (values.Count < count)
        {
            float v = (float)((rng.NextDouble() * 2) - 1);
            if (kinks.All(k => Math.Abs(v - k) > 0.05))
            {
                values.Add(v);
            }
        }

        return [.. values];
    }
}
