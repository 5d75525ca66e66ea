// Gradient checks of Add, Sub, Mul, Div, Neg and Sum, with broadcasting in both directions.
using Onnxc.GraphIR;

namespace Onnxc.Passes.Tests.Training.Autodiff;

public sealed class ArithmeticGradientTests
{
    public static TheoryData<string, long[], long[]> BinaryCases()
    {
        var data = new TheoryData<string, long[], long[]>();
        foreach (string op in new[] { "Add", "Sub", "Mul", "Div" })
        {
            data.Add(op, [3, 5], [3, 5]);
            data.Add(op, [3, 1, 5], [4, 1]);
            data.Add(op, [5], [2, 3, 5]);
            data.Add(op, [2, 3, 5], [1, 3, 1]);
            data.Add(op, [], [3, 7]);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(BinaryCases))]
    public void BinaryOpsReduceTheirBroadcastGradients(string op, long[] aDims, long[] bDims)
    {
        Model m = GradientModels.Single(op, 17, [aDims, bDims]);
        var inputs = new Dictionary<string, float[]>();
        if (op == "Div")
        {
            // Keep the divisor away from zero so the finite differences stay well conditioned.
            var rng = new Random(5);
            inputs["x1"] = [.. Enumerable.Range(0, (int)TensorData.CountElements(bDims)).Select(_ => (float)((rng.NextDouble() + 0.5) * (rng.Next(2) * 2 - 1)))];
        }

        GradientCheck.AssertAll(GradientCheck.Check(m, GradientModels.Names(2), inputValues: inputs));
    }

    [Fact]
    public void NegNegatesTheGradient()
    {
        GradientCheck.AssertGradients(GradientModels.Single("Neg", 13, [[3, 5]]), "x0");
    }

    [Theory]
    [InlineData(13)]
    [InlineData(21)]
    public void SumOfThreeBroadcastOperands(long opset)
    {
        Model m = GradientModels.Single("Sum", opset, [[2, 3, 5], [5], [3, 1]]);
        GradientCheck.AssertGradients(m, GradientModels.Names(3));
    }
}
