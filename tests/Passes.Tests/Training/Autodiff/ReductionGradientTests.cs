// Gradient checks of ReduceSum and ReduceMean over axes as attribute or input, keepdims and noop_with_empty_axes.
using Onnxc.GraphIR;

namespace Onnxc.Passes.Tests.Training.Autodiff;

public sealed class ReductionGradientTests
{
    public static TheoryData<string, long, long[], long, long> Cases()
    {
        var data = new TheoryData<string, long, long[], long, long>();
        foreach (string op in new[] { "ReduceSum", "ReduceMean" })
        {
            foreach (long opset in new long[] { 13, 18 })
            {
                foreach (long keep in new long[] { 0, 1 })
                {
                    data.Add(op, opset, [1], keep, 0);
                    data.Add(op, opset, [-1, 0], keep, 0);
                    data.Add(op, opset, [], keep, 0);
                }
            }

            data.Add(op, 18, [], 1, 1);
            data.Add(op, 18, [], 0, 1);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void ReductionsSpreadTheGradient(string op, long opset, long[] axes, long keepDims, long noopWithEmptyAxes)
    {
        Model m = GradientModels.New(opset);
        Value x = GradientModels.Input(m, "x0", 3, 5, 7);
        bool axesAsInput = op == "ReduceSum" ? opset >= 13 : opset >= 18;
        var attributes = new List<NodeAttribute> { NodeAttribute.Of("keepdims", keepDims) };
        Value? axesValue = null;
        if (axesAsInput)
        {
            axesValue = axes.Length > 0 ? TestGraphs.Ints(m.Graph, "axes", axes) : null;
            attributes.Add(NodeAttribute.Of("noop_with_empty_axes", noopWithEmptyAxes));
        }
        else if (axes.Length > 0)
        {
            attributes.Add(NodeAttribute.Of("axes", axes));
        }

        GradientModels.Node(m, op, [x, axesValue], 1, [.. attributes]);
        GradientCheck.AssertGradients(m, "x0");
    }
}
