// End-to-end tests of the INT8 lowering: hand-built QDQ models, our plan on the CPU accelerator vs ONNX Runtime.
using Onnxc.GraphIR;
using Onnxc.Kernels.Runtime.Steps;

namespace Onnxc.Passes.Tests.Lowering;

public class Int8LoweringTests
{
    [Fact]
    public void ConvolutionsWithStrideDilationGroupsAndReluMatchOrtWithinOneStep()
    {
        var b = new QdqModelBuilder(seed: 1);
        var x = b.Qdq(b.Input("x", 1, 3, 9, 9), -1, 1);
        var c1 = b.Qdq(b.Op("Relu", [b.Conv(x, 3, 8, 3, pad: 1)]), 0, 1.5f);
        var c2 = b.Qdq(b.Conv(c1, 8, 8, 3, stride: 2, pad: 1, group: 8), -1.5f, 1.5f, signed: true);
        var c3 = b.Qdq(b.Conv(c2, 8, 6, 3, pad: 2, dilation: 2, group: 2), -1.5f, 1.5f);
        b.Output(c3);

        var input = b.RandomInput(3 * 9 * 9);
        var (ours, ort, lowering) = LoweringHarness.Compare(b.Model, input, [1, 3, 9, 9]);

        LoweringHarness.AssertWithinOneStep(ours, ort, b.Params[c3].Scale);
        Assert.Empty(lowering.FloatNodes);
        Assert.Equal(3, lowering.Plan.Steps.Count(s => s is ConvStep));
    }

    [Fact]
    public void ResidualAddPoolsAndGemmMatchOrtWithinOneStep()
    {
        var b = new QdqModelBuilder(seed: 2);
        var x = b.Qdq(b.Input("x", 2, 3, 8, 8), -1, 1);
        var c1 = b.Qdq(b.Op("Relu", [b.Conv(x, 3, 8, 3, pad: 1)]), 0, 1.5f);
        var pooled = b.QdqLike(b.Op("MaxPool", [c1], NodeAttribute.Of("kernel_shape", 2, 2), NodeAttribute.Of("strides", 2, 2)), c1);
        var c2 = b.Qdq(b.Conv(pooled, 8, 8, 3, pad: 1), -2, 2);
        var sum = b.Qdq(b.Op("Relu", [b.Op("Add", [c2, pooled])]), 0, 3);
        var avg = b.Qdq(b.Op("AveragePool", [sum], NodeAttribute.Of("kernel_shape", 3, 3), NodeAttribute.Of("pads", 1, 1, 1, 1)), 0, 2);
        var gap = b.Qdq(b.Op("GlobalAveragePool", [avg]), 0, 1.5f);
        var flat = b.QdqLike(b.Op("Flatten", [gap]), gap);
        var (w, ws) = b.Weights([5, 8], 0, 0.6f);
        var gemm = b.Qdq(b.Op("Gemm", [flat, w, b.Bias(5, b.Params[flat].Scale, ws, 0.1f)], NodeAttribute.Of("transB", 1L)), -1, 1);
        b.Output(gemm);

        var input = b.RandomInput(2 * 3 * 8 * 8);
        var (ours, ort, lowering) = LoweringHarness.Compare(b.Model, input, [2, 3, 8, 8]);

        // Ten outputs after six requantizing layers: one-step differences upstream may move a few of them by one step.
        LoweringHarness.AssertWithinOneStep(ours, ort, b.Params[gemm].Scale, minExactFraction: 0.4);
        Assert.Empty(lowering.FloatNodes);
        Assert.Contains(lowering.Plan.Steps, s => s is AddStep);
        Assert.Contains(lowering.Plan.Steps, s => s is MaxPoolStep);
        Assert.Equal(2, lowering.Plan.Steps.Count(s => s is AveragePoolStep));
    }

    [Fact]
    public void ConcatSliceAndPadOnBytesAndMatMulMatchOrtWithinOneStep()
    {
        var b = new QdqModelBuilder(seed: 3);
        var x = b.Qdq(b.Input("x", 1, 4, 6, 6), -1, 1);
        var left = b.Qdq(b.Conv(x, 4, 5, 3, pad: 1), -1.5f, 1.5f);
        var right = b.Qdq(b.Conv(x, 4, 3, 1), -1, 1);
        var cat = b.Qdq(b.Op("Concat", [left, right], NodeAttribute.Of("axis", 1L)), -1.5f, 1.5f);
        var sliced = b.QdqLike(b.Op("Slice", [cat, b.ConstInts(0, 0), b.ConstInts(6, 6), b.ConstInts(2, 3), b.ConstInts(2, 2)]), cat);
        var padded = b.QdqLike(b.Op("Pad", [sliced, b.ConstInts(0, 2, 0, 0, 0, 1, 0, 0)]), cat);
        var flat = b.QdqLike(b.Op("Reshape", [padded, b.ConstInts(1, -1)]), cat);
        var (w, _) = b.Weights([11 * 3 * 3, 7], 1, 0.2f);
        var mm = b.Qdq(b.Op("MatMul", [flat, w]), -2, 2);
        b.Output(mm);

        var input = b.RandomInput(4 * 6 * 6);
        var (ours, ort, lowering) = LoweringHarness.Compare(b.Model, input, [1, 4, 6, 6]);

        LoweringHarness.AssertWithinOneStep(ours, ort, b.Params[mm].Scale, minExactFraction: 0.7);
        Assert.Empty(lowering.FloatNodes);
        Assert.Contains(lowering.Plan.Steps, s => s is ConcatStep);
        Assert.Contains(lowering.Plan.Steps, s => s is StridedCopyStep { Operation: "slice", IsInt8: true });
    }

    [Fact]
    public void ShapeArithmeticIsEvaluatedAtCompileTimeByTheConstantEvaluator()
    {
        // Reshape to [1, C*H*W] with the target computed from Shape: ReduceProd is one of the ops the -O 1 constant
        // evaluator knows and the lowering's own folder did not.
        var b = new QdqModelBuilder(seed: 6);
        var x = b.Qdq(b.Input("x", 1, 3, 6, 6), -1, 1);
        var conv = b.Qdq(b.Conv(x, 3, 4, 3, pad: 1), -2, 2);
        Value chw = b.Op("Slice", [b.Op("Shape", [conv]), b.ConstInts(1), b.ConstInts(4)]);
        Value target = b.Op("Concat", [b.ConstInts(1), b.Op("ReduceProd", [chw], NodeAttribute.Of("keepdims", 1L))], NodeAttribute.Of("axis", 0L));
        var flat = b.QdqLike(b.Op("Reshape", [conv, target]), conv);
        b.Output(flat);

        var input = b.RandomInput(3 * 6 * 6);
        var (ours, ort, lowering) = LoweringHarness.Compare(b.Model, input, [1, 3, 6, 6]);

        LoweringHarness.AssertWithinOneStep(ours, ort, b.Params[conv].Scale);
        Assert.Empty(lowering.FloatNodes);
        Assert.DoesNotContain(lowering.Plan.Steps, s => !s.IsInt8);
    }

    [Fact]
    public void OpsWithoutInt8KernelsRunAsFloatAndAreListed()
    {
        var b = new QdqModelBuilder(seed: 4);
        var x = b.Qdq(b.Input("x", 1, 3, 5, 5), -1, 1);
        var conv = b.Qdq(b.Conv(x, 3, 4, 3, pad: 1), -2, 2);
        var shifted = b.Qdq(b.Op("Add", [conv, b.Const([0.5f, -0.25f, 0.1f, 0.3f], 4, 1, 1)]), -2.5f, 2.5f);
        var sig = b.Op("Sigmoid", [shifted]);
        var soft = b.Op("Softmax", [b.Op("Reshape", [sig, b.ConstInts(1, -1)])], NodeAttribute.Of("axis", 1L));
        b.Output(soft);

        var input = b.RandomInput(3 * 5 * 5);
        var (ours, ort, lowering) = LoweringHarness.Compare(b.Model, input, [1, 3, 5, 5]);

        // Float kernels on the same dequantized values: float32 rounding differences only.
        Assert.Equal(ort.Length, ours.Length);
        for (int i = 0; i < ort.Length; i++)
        {
            Assert.True(Math.Abs(ours[i] - ort[i]) <= 1e-3f * Math.Abs(ort[i]) + 1e-6f, $"element {i}: ours {ours[i]}, ORT {ort[i]}");
        }

        Assert.Equal(["Add", "Sigmoid", "Reshape", "Softmax"], lowering.FloatNodes.Select(f => f.OpType));
        Assert.Contains("not a dequantized 8-bit tensor", lowering.FloatNodes[0].Reason, StringComparison.Ordinal);
        Assert.Contains("float: ", lowering.Summary(), StringComparison.Ordinal);
    }

    public static TheoryData<string> SingleIslands() => ["AveragePool", "GlobalAveragePool", "Add", "Clip", "Relu"];

    /// <summary>One island on a larger tensor: nearly every value must equal ORT's exactly.</summary>
    [Theory]
    [MemberData(nameof(SingleIslands))]
    public void SingleIslandMatchesOrtAlmostExactly(string op)
    {
        var b = new QdqModelBuilder(seed: 5);
        var x = b.Qdq(b.Input("x", 1, 6, 10, 10), -1, 1);
        Value y = op switch
        {
            "AveragePool" => b.Op("AveragePool", [x], NodeAttribute.Of("kernel_shape", 3, 3), NodeAttribute.Of("strides", 2, 2), NodeAttribute.Of("pads", 1, 1, 1, 1)),
            "GlobalAveragePool" => b.Op("GlobalAveragePool", [x]),
            "Add" => b.Op("Add", [x, b.Qdq(b.Conv(x, 6, 6, 1), -1.5f, 1.5f, signed: true)]),
            "Clip" => b.Op("Clip", [x, b.Const([-0.3f]), b.Const([0.6f])]),
            _ => b.Op("Relu", [x]),
        };
        var output = b.Qdq(y, -0.9f, 1.3f);
        b.Output(output);

        var input = b.RandomInput(6 * 10 * 10);
        var (ours, ort, lowering) = LoweringHarness.Compare(b.Model, input, [1, 6, 10, 10]);

        LoweringHarness.AssertWithinOneStep(ours, ort, b.Params[output].Scale, minExactFraction: op == "GlobalAveragePool" ? 0.8 : 0.97);
        Assert.Empty(lowering.FloatNodes);
    }
}
