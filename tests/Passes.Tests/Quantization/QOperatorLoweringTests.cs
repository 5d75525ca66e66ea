// Direct tests of QOperatorLowering: QDQ groups become QLinear* / com.microsoft integer ops that ORT runs to the same numbers.
using Onnxc.GraphIR;
using Onnxc.GraphIR.Onnx;
using Onnxc.GraphIR.Verification;
using Onnxc.Passes.Quantization;
using Onnxc.Passes.Tests.Lowering;
using Onnxc.TestSupport;

namespace Onnxc.Passes.Tests.Quantization;

public sealed class QOperatorLoweringTests
{
    /// <summary>x → Q/DQ → Conv+Relu → Q/DQ → MaxPool → Q/DQ (shared) → Conv → Q/DQ → Add(residual) → Q/DQ → GAP → Flatten → Gemm → Q/DQ.</summary>
    private static (QdqModelBuilder B, Value Output) Network()
    {
        var b = new QdqModelBuilder(seed: 11);
        Value x = b.Qdq(b.Input("x", 1, 3, 8, 8), -1, 1);
        Value c1 = b.Qdq(b.Op("Relu", [b.Conv(x, 3, 8, 3, pad: 1)]), 0, 1.5f);
        Value pooled = b.QdqLike(b.Op("MaxPool", [c1], NodeAttribute.Of("kernel_shape", 2, 2), NodeAttribute.Of("strides", 2, 2)), c1);
        Value c2 = b.Qdq(b.Conv(pooled, 8, 8, 3, pad: 1), -2, 2);
        Value sum = b.Qdq(b.Op("Add", [c2, pooled]), -2, 3);
        Value gap = b.Qdq(b.Op("GlobalAveragePool", [sum]), -1, 1.5f);
        Value flat = b.QdqLike(b.Op("Flatten", [gap]), gap);
        (Value w, float[] ws) = b.Weights([5, 8], 0, 0.6f);
        Value y = b.Qdq(b.Op("Gemm", [flat, w, b.Bias(5, b.Params[flat].Scale, ws, 0.1f)], NodeAttribute.Of("transB", 1L)), -1, 1);
        b.Output(y);
        return (b, y);
    }

    [Fact]
    public void EveryGroupBecomesAnIntegerOpAndOrtGivesTheSameNumbersWithinOneStep()
    {
        (QdqModelBuilder b, Value y) = Network();
        using var dir = new TempDir("onnxc-qoperator");
        string qdqPath = dir.File("qdq.onnx");
        OnnxExporter.Save(b.Model, qdqPath);

        Model m = b.Model.Clone();
        int lowered = QOperatorLowering.Run(m);
        Verifier.Verify(m);
        string qopPath = dir.File("qop.onnx");
        OnnxExporter.Save(m, qopPath);

        var ops = m.Graph.Nodes.Select(n => n.OpType).ToList();
        Assert.Equal(2, ops.Count(o => o == "QLinearConv"));
        Assert.Contains("QLinearAdd", ops);
        Assert.Contains("QLinearGlobalAveragePool", ops);
        Assert.Contains("QGemm", ops);
        Assert.DoesNotContain("Conv", ops);
        Assert.DoesNotContain("Relu", ops);
        Assert.True(lowered >= 5, $"{lowered} groups lowered");
        // The MaxPool and Flatten run on the integers: between them no DequantizeLinear is left.
        Assert.Equal("QuantizeLinear", m.Graph.Nodes[0].OpType);
        Assert.Equal(1, ops.Count(o => o == "QuantizeLinear"));
        Assert.Equal("DequantizeLinear", m.Graph.Nodes[^1].OpType);

        float[] input = b.RandomInput(3 * 8 * 8);
        float[] before = LoweringHarness.RunOrt(qdqPath, "x", input, [1, 3, 8, 8]);
        float[] after = LoweringHarness.RunOrt(qopPath, "x", input, [1, 3, 8, 8]);
        LoweringHarness.AssertWithinOneStep(after, before, b.Params[y].Scale, minExactFraction: 0.6);
    }

    [Fact]
    public void AGroupWithoutARuleStaysQdqAndTheModelStaysValid()
    {
        var b = new QdqModelBuilder(seed: 12);
        Value x = b.Qdq(b.Input("x", 1, 4, 4, 4), -1, 1);
        Value t = b.Qdq(b.Op("Tanh", [x]), -1, 1);
        b.Output(t);

        Model m = b.Model.Clone();
        Assert.Equal(0, QOperatorLowering.Run(m));
        Verifier.Verify(m);
        Assert.Contains(m.Graph.Nodes, n => n.OpType == "Tanh");
        Assert.Equal(2, m.Graph.Nodes.Count(n => n.OpType == "DequantizeLinear"));
    }
}
