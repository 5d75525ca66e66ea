// Shape inference on hand-built graphs: elementwise and broadcasting, convolution and pooling, matrix products,
// normalization, quantized ops, and the rules for merging with declared types.
using Onnxc.GraphIR.Analysis;
using static Onnxc.GraphIR.Tests.Analysis.IrBuilder;

namespace Onnxc.GraphIR.Tests.Analysis;

public sealed class ShapeInferenceTests
{
    private const ElementType F = ElementType.Float;

    [Theory]
    [InlineData(new object[] { 2, 3, 4 }, new object[] { 4 }, "FLOAT[2,3,4]")]
    [InlineData(new object[] { 2, 1, 4 }, new object[] { 3, 1 }, "FLOAT[2,3,4]")]
    [InlineData(new object[] { "N", 3 }, new object[] { 1, 3 }, "FLOAT[N,3]")]
    [InlineData(new object[] { "N", 3 }, new object[] { "M", 3 }, "FLOAT[?,3]")]
    [InlineData(new object[] { "N", 1 }, new object[] { 1, 5 }, "FLOAT[N,5]")]
    [InlineData(new object[] { "?", 3 }, new object[] { 4, 1 }, "FLOAT[4,3]")]
    [InlineData(new object[] { "N", 3 }, new object[] { "N", 1 }, "FLOAT[N,3]")]
    [InlineData(new object[] { "?" }, new object[] { "N" }, "FLOAT[?]")]
    public void AddBroadcastsStaticAndSymbolicDims(object[] a, object[] b, string expected)
    {
        var m = new IrBuilder();
        Value y = m.Op("Add", "y", [m.Input("a", F, a), m.Input("b", F, b)]);
        ShapeInference.Run(m.Model);
        Assert.Equal(expected, T(y));
    }

    [Fact]
    public void ComparisonsGiveBoolAndWhereTakesItsValueType()
    {
        var m = new IrBuilder();
        Value x = m.Input("x", ElementType.Int64, "N", 4);
        Value c = m.Op("Less", "c", [x, m.Ints("k", 3)]);
        Value w = m.Op("Where", "w", [c, x, m.Input("z", ElementType.Int64, 1)]);
        Value e = m.Op("Equal", "e", [x, x]);
        ShapeInference.Run(m.Model);
        Assert.Equal("BOOL[N,4]", T(c));
        Assert.Equal("INT64[N,4]", T(w));
        Assert.Equal("BOOL[N,4]", T(e));
    }

    [Fact]
    public void BeforeOpset7BroadcastingFollowsTheFirstInput()
    {
        var m = new IrBuilder(opset: 6);
        Value y = m.Op("Add", "y", [m.Input("a", F, 2, 3, 4, 5), m.Input("b", F, 3, 4)], A("broadcast", 1L), A("axis", 1L));
        ShapeInference.Run(m.Model);
        Assert.Equal("FLOAT[2,3,4,5]", T(y));
    }

    [Fact]
    public void UnaryOpsKeepShapeAndCastChangesTheType()
    {
        var m = new IrBuilder();
        Value v = m.Input("x", F, "N", 8);
        foreach (string op in (string[])["Relu", "Sigmoid", "Tanh", "HardSwish", "Erf", "Exp", "Neg", "Softmax", "Identity", "Sqrt"])
        {
            v = m.Op(op, op.ToLowerInvariant(), [v]);
        }

        Value clip = m.Op("Clip", "clip", [v, m.ScalarFloat("lo", 0), m.ScalarFloat("hi", 6)]);
        Value cast = m.Op("Cast", "cast", [clip], A("to", (long)ElementType.Float16));
        Value nan = m.Op("IsNaN", "nan", [cast]);
        ShapeInference.Run(m.Model);
        Assert.Equal("FLOAT[N,8]", T(v));
        Assert.Equal("FLOAT[N,8]", T(clip));
        Assert.Equal("FLOAT16[N,8]", T(cast));
        Assert.Equal("BOOL[N,8]", T(nan));
    }

    [Theory]
    [InlineData("NOTSET", 1, 1, 1, "FLOAT[N,16,32,32]")]
    [InlineData("NOTSET", 2, 0, 1, "FLOAT[N,16,15,15]")]
    [InlineData("NOTSET", 1, 0, 2, "FLOAT[N,16,28,28]")]
    [InlineData("SAME_UPPER", 2, 0, 1, "FLOAT[N,16,16,16]")]
    [InlineData("VALID", 2, 0, 1, "FLOAT[N,16,15,15]")]
    public void ConvOutputFollowsStridesPadsDilationsAndAutoPad(string autoPad, long stride, long pad, long dilation, string expected)
    {
        var m = new IrBuilder();
        Value y = m.Op("Conv", "y", [m.Input("x", F, "N", 3, 32, 32), m.Floats("w", [16, 3, 3, 3]), m.Floats("b", [16])],
            A("auto_pad", autoPad), A("strides", stride, stride), A("pads", pad, pad, pad, pad), A("dilations", dilation, dilation));
        ShapeInference.Run(m.Model);
        Assert.Equal(expected, T(y));
    }

    [Fact]
    public void ConvTransposeUsesOutputPaddingGroupAndOutputShape()
    {
        var m = new IrBuilder();
        Value x = m.Input("x", F, 1, 8, 4, 4);
        Value w = m.Floats("w", [8, 2, 3, 3]);
        Value y = m.Op("ConvTranspose", "y", [x, w], A("strides", 2, 2), A("pads", 1, 1, 1, 1), A("output_padding", 1, 1), A("group", 2L));
        Value z = m.Op("ConvTranspose", "z", [x, w], A("strides", 2, 2), A("output_shape", 9, 9));
        ShapeInference.Run(m.Model);
        Assert.Equal("FLOAT[1,4,8,8]", T(y));
        Assert.Equal("FLOAT[1,2,9,9]", T(z));
    }

    [Fact]
    public void PoolsHonourCeilModeDilationsAndGlobalForms()
    {
        var m = new IrBuilder();
        Value x = m.Input("x", F, "N", 4, 32, 32);
        Node floor = m.OpN("MaxPool", ["p", "idx"], [x], A("kernel_shape", 3, 3), A("strides", 2, 2));
        Value ceil = m.Op("MaxPool", "c", [x], A("kernel_shape", 3, 3), A("strides", 2, 2), A("ceil_mode", 1L));
        Value dropped = m.Op("MaxPool", "d", [m.Input("s", F, 1, 1, 5, 5)], A("kernel_shape", 2, 2), A("strides", 2, 2),
            A("pads", 1, 1, 1, 1), A("ceil_mode", 1L));
        Value dilated = m.Op("AveragePool", "a", [x], A("kernel_shape", 3, 3), A("dilations", 2, 2));
        Value same = m.Op("AveragePool", "same", [x], A("kernel_shape", 3, 3), A("strides", 2, 2), A("auto_pad", "SAME_LOWER"));
        Value global = m.Op("GlobalAveragePool", "g", [x]);
        ShapeInference.Run(m.Model);
        Assert.Equal("FLOAT[N,4,15,15]", T(floor.Outputs[0]!));
        Assert.Equal("INT64[N,4,15,15]", T(floor.Outputs[1]!));
        Assert.Equal("FLOAT[N,4,16,16]", T(ceil));
        Assert.Equal("FLOAT[1,1,3,3]", T(dropped));
        Assert.Equal("FLOAT[N,4,28,28]", T(dilated));
        Assert.Equal("FLOAT[N,4,16,16]", T(same));
        Assert.Equal("FLOAT[N,4,1,1]", T(global));
    }

    [Theory]
    [InlineData(new object[] { 2, 3, 4 }, new object[] { 4, 5 }, "FLOAT[2,3,5]")]
    [InlineData(new object[] { 4 }, new object[] { 4, 5 }, "FLOAT[5]")]
    [InlineData(new object[] { 3, 4 }, new object[] { 4 }, "FLOAT[3]")]
    [InlineData(new object[] { "B", 1, 3, 4 }, new object[] { 7, 4, 6 }, "FLOAT[B,7,3,6]")]
    [InlineData(new object[] { "B", "S", 64 }, new object[] { 64, 10 }, "FLOAT[B,S,10]")]
    public void MatMulFollowsNumpyRules(object[] a, object[] b, string expected)
    {
        var m = new IrBuilder();
        Value y = m.Op("MatMul", "y", [m.Input("a", F, a), m.Input("b", F, b)]);
        ShapeInference.Run(m.Model);
        Assert.Equal(expected, T(y));
    }

    [Fact]
    public void GemmHonoursTransposes()
    {
        var m = new IrBuilder();
        Value y = m.Op("Gemm", "y", [m.Input("a", F, 3, "M"), m.Floats("b", [4, 3]), m.Floats("c", [4])], A("transA", 1L), A("transB", 1L));
        ShapeInference.Run(m.Model);
        Assert.Equal("FLOAT[M,4]", T(y));
    }

    [Fact]
    public void NormalizationsAndDropoutKeepTheInputShape()
    {
        var m = new IrBuilder();
        Value x = m.Input("x", F, "N", 8, 5, 5);
        Value bn = m.Op("BatchNormalization", "bn", [x, m.Floats("s", [8]), m.Floats("b", [8]), m.Floats("mu", [8]), m.Floats("var", [8])]);
        Value seq = m.Input("seq", ElementType.Float16, "B", "S", 32);
        Node ln = m.OpN("LayerNormalization", ["ln", "mean", "istd"], [seq, m.Floats("g", [32]), null], A("axis", -1L));
        Node drop = m.OpN("Dropout", ["dr", "mask"], [bn]);
        ShapeInference.Run(m.Model);
        Assert.Equal("FLOAT[N,8,5,5]", T(bn));
        Assert.Equal("FLOAT16[B,S,32]", T(ln.Outputs[0]!));
        Assert.Equal("FLOAT[B,S,1]", T(ln.Outputs[1]!));
        Assert.Equal("BOOL[N,8,5,5]", T(drop.Outputs[1]!));
    }

    [Fact]
    public void QuantizeAndDequantizeTypesFollowZeroPointScaleAndOpset()
    {
        var m = new IrBuilder(opset: 19);
        Value x = m.Input("x", F, "N", 4);
        Value scale = m.ScalarFloat("scale", 0.1f);
        Value zp = m.Graph.AddInitializer("zp", TensorData.FromSBytes([], [3]));
        Value q = m.Op("QuantizeLinear", "q", [x, scale, zp]);
        Value qu = m.Op("QuantizeLinear", "qu", [x, scale]);
        Value dq = m.Op("DequantizeLinear", "dq", [q, scale, zp]);
        Value h = m.Graph.AddInitializer("h", TensorData.FromBytes(ElementType.Float16, [], new byte[2]));
        Value dqh = m.Op("DequantizeLinear", "dqh", [q, h, zp]);
        Node dyn = m.OpN("DynamicQuantizeLinear", ["dy", "dys", "dyz"], [x]);
        ShapeInference.Run(m.Model);
        Assert.Equal("INT8[N,4]", T(q));
        Assert.Equal("UINT8[N,4]", T(qu));
        Assert.Equal("FLOAT[N,4]", T(dq));
        Assert.Equal("FLOAT16[N,4]", T(dqh));
        Assert.Equal("UINT8[N,4]", T(dyn.Outputs[0]!));
        Assert.Equal("FLOAT[]", T(dyn.Outputs[1]!));
        Assert.Equal("UINT8[]", T(dyn.Outputs[2]!));
    }

    [Fact]
    public void IntegerAndQLinearProductsAndConvolutions()
    {
        var m = new IrBuilder(opset: 13);
        Value s = m.ScalarFloat("s", 0.5f);
        Value xz = m.Graph.AddInitializer("xz", TensorData.FromBytesU8([], [128]));
        Value wz = m.Graph.AddInitializer("wz", TensorData.FromSBytes([], [0]));
        Value x = m.Input("x", ElementType.UInt8, "N", 3, 8, 8);
        Value w = m.Graph.AddInitializer("w", TensorData.FromSBytes([4, 3, 3, 3], new sbyte[108]));
        Value qc = m.Op("QLinearConv", "qc", [x, s, xz, w, s, wz, s, xz], A("pads", 1, 1, 1, 1));
        Value ci = m.Op("ConvInteger", "ci", [x, w, xz, wz]);
        Value a = m.Input("a", ElementType.UInt8, "N", 16);
        Value b = m.Graph.AddInitializer("b", TensorData.FromSBytes([16, 10], new sbyte[160]));
        Value qm = m.Op("QLinearMatMul", "qm", [a, s, xz, b, s, wz, s, wz]);
        Value mi = m.Op("MatMulInteger", "mi", [a, b, xz, wz]);
        ShapeInference.Run(m.Model);
        Assert.Equal("UINT8[N,4,8,8]", T(qc));
        Assert.Equal("INT32[N,4,6,6]", T(ci));
        Assert.Equal("INT8[N,10]", T(qm));
        Assert.Equal("INT32[N,10]", T(mi));
    }

    [Fact]
    public void DeclaredSpecificFactsWinAndUnknownPartsAreFilled()
    {
        var m = new IrBuilder();
        Value x = m.Input("x", F, "?", 3, 32, 32);
        Value w = m.Floats("w", [16, 3, 3, 3]);
        Value named = m.Op("Conv", "named", [x, w], A("pads", 1, 1, 1, 1));
        Value conflict = m.Op("Conv", "conflict", [x, w], A("pads", 1, 1, 1, 1));
        Value partial = m.Op("Conv", "partial", [x, w], A("pads", 1, 1, 1, 1));
        Value otherType = m.Op("Relu", "other", [x]);
        Graph.SetType(named, Type(F, "N", 16, "H", "W"));
        Graph.SetType(conflict, Type(F, "?", 16, 30, 30));
        Graph.SetType(partial, new TensorType(ElementType.Undefined, null));
        Graph.SetType(otherType, Type(ElementType.Float16, "?", "?", "?", "?"));
        ShapeInference.Run(m.Model);
        Assert.Equal("FLOAT[N,16,32,32]", T(named));
        Assert.Equal("FLOAT[?,16,30,30]", T(conflict));
        Assert.Equal("FLOAT[?,16,32,32]", T(partial));
        Assert.Equal("FLOAT16[?,3,32,32]", T(otherType));
    }

    [Fact]
    public void UnknownOpsAndMalformedNodesLeaveOutputsUnknownWithoutThrowing()
    {
        var m = new IrBuilder();
        Value x = m.Input("x", F, 2, 3);
        Value custom = m.Graph.AddNode("Mystery", [x], ["custom"], domain: "com.example").Outputs[0]!;
        Value unknownDefault = m.Op("NotAnOnnxOp", "nope", [x]);
        Value badAxis = m.Op("Softmax", "soft", [m.Op("Transpose", "t", [x], A("perm", 5, 9))]);
        Value badConcat = m.Op("Concat", "cat", [x, m.Input("r3", F, 1, 2, 3)], A("axis", 7L));
        Value after = m.Op("Relu", "after", [x]);
        ShapeInference.Run(m.Model);
        Assert.Null(custom.Type);
        Assert.Null(unknownDefault.Type);
        Assert.Equal("FLOAT[*]", T(badAxis));
        Assert.Equal("FLOAT[*]", T(badConcat));
        Assert.Equal("FLOAT[2,3]", T(after));
    }
}
