// MAC counts from inferred shapes, including the com.microsoft MatMuls that onnxc's dynamic INT8 writes.
using Onnxc.GraphIR.Analysis;

namespace Onnxc.GraphIR.Tests.Analysis;

public sealed class MacCounterTests
{
    [Theory]
    [InlineData("", "MatMul")]
    [InlineData("com.microsoft", "DynamicQuantizeMatMul")]
    [InlineData("com.microsoft", "MatMulIntegerToFloat")]
    public void MatMulFamilyCountsRowsTimesColumnsTimesDepth(string domain, string op)
    {
        var model = new Model("m");
        model.SetOpset("", 13);
        model.SetOpset("com.microsoft", 1);
        Graph g = model.Graph;
        Value x = g.AddInput("x", new TensorType(ElementType.Float, new TensorShape([3, 16])));
        Value w = g.AddInitializer("w", TensorData.FromFloats([16, 5], new float[80]));
        Value y = g.AddNode(op, [x, w], ["y"], domain: domain).Outputs[0]!;
        g.AddOutput(y);
        ShapeInference.Run(model);

        Assert.Equal(new TensorShape([3, 5]), y.Shape);
        Assert.Equal(ElementType.Float, y.ElementType);
        MacCount macs = MacCounter.Count(g);
        Assert.Empty(macs.Unknown);
        Assert.Equal(3 * 5 * 16, macs.Total);
    }
}
