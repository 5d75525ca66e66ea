// Shape inference for shape-manipulating ops, their opset-dependent forms, shape arithmetic and control flow.
using Onnxc.GraphIR.Analysis;
using static Onnxc.GraphIR.Tests.Analysis.IrBuilder;

namespace Onnxc.GraphIR.Tests.Analysis;

public sealed class ShapeInferenceShapeOpsTests
{
    private const ElementType F = ElementType.Float;
    private const ElementType I64 = ElementType.Int64;

    [Theory]
    [InlineData(new long[] { 0, -1 }, 0, "FLOAT[N,12]")]
    [InlineData(new long[] { -1, 4 }, 0, "FLOAT[?,4]")]
    [InlineData(new long[] { 0, 0, 2, 2 }, 0, "FLOAT[N,3,2,2]")]
    [InlineData(new long[] { 0, 3, 4 }, 1, "FLOAT[0,3,4]")]
    public void ReshapeHandlesZeroMinusOneAndAllowZero(long[] target, long allowZero, string expected)
    {
        var m = new IrBuilder(opset: 14);
        Value y = m.Op("Reshape", "y", [m.Input("x", F, "N", 3, 4), m.Ints("s", target)], A("allowzero", allowZero));
        ShapeInference.Run(m.Model);
        Assert.Equal(expected, T(y));
    }

    [Fact]
    public void ReshapeBeforeOpset5TakesTheShapeAttribute()
    {
        var m = new IrBuilder(opset: 4);
        Value y = m.Op("Reshape", "y", [m.Input("x", F, 2, 3, 4)], A("shape", 6, -1));
        ShapeInference.Run(m.Model);
        Assert.Equal("FLOAT[6,4]", T(y));
    }

    [Theory]
    [InlineData(11)]
    [InlineData(13)]
    public void ExportedViewArithmeticResolvesThroughShapeGatherUnsqueezeConcat(long opset)
    {
        // x.view(x.size(0), -1) as PyTorch exports it.
        var m = new IrBuilder(opset);
        Value x = m.Input("x", F, "N", 8, 4, 4);
        Value shape = m.Op("Shape", "shape", [x]);
        Value n = m.Op("Gather", "n", [shape, m.Graph.AddInitializer("zero", TensorData.Scalar(0L))], A("axis", 0L));
        Value n1 = opset >= 13 ? m.Op("Unsqueeze", "n1", [n, m.Ints("axes", 0)]) : m.Op("Unsqueeze", "n1", [n], A("axes", [0L]));
        Value target = m.Op("Concat", "target", [n1, m.Ints("minus1", -1)], A("axis", 0L));
        Value y = m.Op("Reshape", "y", [x, target]);
        ShapeInference.Run(m.Model);
        Assert.Equal("INT64[4]", T(shape));
        Assert.Equal("INT64[]", T(n));
        Assert.Equal("INT64[2]", T(target));
        Assert.Equal("FLOAT[N,128]", T(y));
    }

    [Fact]
    public void ShapeValuesSurviveCastsArithmeticAndSlices()
    {
        var m = new IrBuilder(opset: 17);
        Value x = m.Input("x", F, "B", 6, 10);
        Value shape = m.Op("Shape", "shape", [x], A("start", 1L));
        Value asFloat = m.Op("Cast", "f", [shape], A("to", (long)F));
        Value back = m.Op("Cast", "i", [asFloat], A("to", (long)I64));
        Value half = m.Op("Div", "half", [back, m.Ints("two", 2)]);
        Value tail = m.Op("Slice", "tail", [half, m.Ints("s", -1), m.Ints("e", long.MaxValue)]);
        Value target = m.Op("Concat", "target", [m.Ints("lead", 0, 3), tail, m.Ints("m1", -1)], A("axis", 0L));
        Value y = m.Op("Reshape", "y", [x, target]);
        Value ones = m.Op("ConstantOfShape", "ones", [back], NodeAttribute.Of("value", TensorData.FromInt32s([1], [1])));
        ShapeInference.Run(m.Model);
        Assert.Equal("INT64[2]", T(shape));
        Assert.Equal("FLOAT[B,3,5,4]", T(y));
        Assert.Equal("INT32[6,10]", T(ones));
    }

    [Fact]
    public void ExportedPadArithmeticResolvesThroughTwoDimensionalReshapeSliceTranspose()
    {
        // F.pad(x, (0, 0, 0, 0, 8, 8)) as PyTorch 1.13 exports it at opset 13.
        var m = new IrBuilder(opset: 13);
        Value x = m.Input("x", F, "N", 16, 16, 16);
        Value zeros = m.Op("ConstantOfShape", "zeros", [m.Ints("two", 2)], NodeAttribute.Of("value", TensorData.FromInt64s([1], [0])));
        Value all = m.Op("Concat", "all", [m.Ints("given", 0, 0, 0, 0, 8, 8), zeros], A("axis", 0L));
        Value pairs = m.Op("Reshape", "pairs", [all, m.Ints("pairShape", -1, 2)]);
        Value reversed = m.Op("Slice", "rev", [pairs, m.Ints("s", -1), m.Ints("e", long.MinValue), m.Ints("a", 0), m.Ints("st", -1)]);
        Value transposed = m.Op("Transpose", "tr", [reversed], A("perm", 1, 0));
        Value flat = m.Op("Reshape", "flat", [transposed, m.Ints("m1", -1)]);
        Value pads = m.Op("Cast", "pads", [flat], A("to", (long)I64));
        Value y = m.Op("Pad", "y", [x, pads, m.ScalarFloat("zero", 0)], A("mode", "constant"));
        ShapeInference.Run(m.Model);
        Assert.Equal("INT64[4,2]", T(reversed));
        Assert.Equal("INT64[2,4]", T(transposed));
        Assert.Equal("FLOAT[N,32,16,16]", T(y));
    }

    [Fact]
    public void FlattenTransposeAndExpand()
    {
        var m = new IrBuilder();
        Value x = m.Input("x", F, "N", 3, 4, 5);
        Value f1 = m.Op("Flatten", "f1", [x]);
        Value f0 = m.Op("Flatten", "f0", [x], A("axis", 0L));
        Value f2 = m.Op("Flatten", "f2", [x], A("axis", -2L));
        Value t = m.Op("Transpose", "t", [x], A("perm", 0, 2, 3, 1));
        Value rev = m.Op("Transpose", "rev", [x]);
        Value e = m.Op("Expand", "e", [m.Input("v", F, "N", 1, 4), m.Ints("to", 1, 3, 1)]);
        Value tile = m.Op("Tile", "tile", [m.Input("tt", F, 2, 3), m.Ints("reps", 2, 2)]);
        ShapeInference.Run(m.Model);
        Assert.Equal("FLOAT[N,60]", T(f1));
        Assert.Equal("FLOAT[1,?]", T(f0));
        Assert.Equal("FLOAT[?,20]", T(f2));
        Assert.Equal("FLOAT[N,4,5,3]", T(t));
        Assert.Equal("FLOAT[5,4,3,N]", T(rev));
        Assert.Equal("FLOAT[N,3,4]", T(e));
        Assert.Equal("FLOAT[4,6]", T(tile));
    }

    [Fact]
    public void SqueezeAndUnsqueezeTakeAxesAsAttributeBeforeOpset13()
    {
        var old = new IrBuilder(opset: 11);
        Value x = old.Input("x", F, "N", 1, 4, 1);
        Value s = old.Op("Squeeze", "s", [x], A("axes", 1, -1));
        Value all = old.Op("Squeeze", "all", [old.Input("k", F, 1, 4, 1)]);
        Value u = old.Op("Unsqueeze", "u", [s], A("axes", 0, -1));
        ShapeInference.Run(old.Model);
        Assert.Equal("FLOAT[N,4]", T(s));
        Assert.Equal("FLOAT[4]", T(all));
        Assert.Equal("FLOAT[1,N,4,1]", T(u));

        var current = new IrBuilder(opset: 13);
        Value y = current.Input("x", F, "N", 1, 4, 1);
        Value s13 = current.Op("Squeeze", "s", [y, current.Ints("axes", 1, 3)]);
        Value u13 = current.Op("Unsqueeze", "u", [s13, current.Ints("uaxes", 1)]);
        Value unknownAxes = current.Op("Squeeze", "q", [y, current.Input("ax", I64, 2)]);
        ShapeInference.Run(current.Model);
        Assert.Equal("FLOAT[N,4]", T(s13));
        Assert.Equal("FLOAT[N,1,4]", T(u13));
        Assert.Equal("FLOAT[*]", T(unknownAxes));
    }

    [Fact]
    public void ConcatSumsTheAxisAndKeepsSymbols()
    {
        var m = new IrBuilder();
        Value a = m.Input("a", F, "N", 3);
        Value b = m.Input("b", F, "N", 5);
        Value c1 = m.Op("Concat", "c1", [a, b], A("axis", 1L));
        Value c0 = m.Op("Concat", "c0", [a, m.Input("c", F, 2, 3)], A("axis", -2L));
        ShapeInference.Run(m.Model);
        Assert.Equal("FLOAT[N,8]", T(c1));
        Assert.Equal("FLOAT[?,3]", T(c0));
    }

    [Fact]
    public void SplitInItsAttributeInputAndNumOutputsForms()
    {
        var v11 = new IrBuilder(opset: 11);
        Node even = v11.OpN("Split", ["e0", "e1"], [v11.Input("x", F, "N", 8)], A("axis", 1L));
        Node attr = v11.OpN("Split", ["a0", "a1"], [v11.Input("y", F, 6, 2)], A("split", 2, 4));
        ShapeInference.Run(v11.Model);
        Assert.Equal("FLOAT[N,4]", T(even.Outputs[1]!));
        Assert.Equal("FLOAT[4,2]", T(attr.Outputs[1]!));

        var v18 = new IrBuilder(opset: 18);
        Node input = v18.OpN("Split", ["i0", "i1"], [v18.Input("x", F, 6, 2), v18.Ints("sizes", 1, 5)]);
        Node uneven = v18.OpN("Split", ["u0", "u1", "u2"], [v18.Input("z", F, 10)], A("num_outputs", 3L));
        ShapeInference.Run(v18.Model);
        Assert.Equal("FLOAT[1,2]", T(input.Outputs[0]!));
        Assert.Equal("FLOAT[5,2]", T(input.Outputs[1]!));
        Assert.Equal("FLOAT[4]", T(uneven.Outputs[0]!));
        Assert.Equal("FLOAT[2]", T(uneven.Outputs[2]!));
    }

    [Fact]
    public void SliceInAttributeFormBeforeOpset10AndInputFormAfter()
    {
        var v9 = new IrBuilder(opset: 9);
        Value s9 = v9.Op("Slice", "s", [v9.Input("x", F, 20, 10, 5)], A("starts", 0, 1), A("ends", 3, -1), A("axes", 0, 1));
        ShapeInference.Run(v9.Model);
        Assert.Equal("FLOAT[3,8,5]", T(s9));

        var v13 = new IrBuilder(opset: 13);
        Value x = v13.Input("x", F, "N", 10, 5);
        Value neg = v13.Op("Slice", "neg", [x, v13.Ints("st", -1), v13.Ints("en", -1000), v13.Ints("ax", 1), v13.Ints("sp", -3)]);
        Value whole = v13.Op("Slice", "whole", [x, v13.Ints("st0", 0, 20), v13.Ints("en0", long.MaxValue, 1000)]);
        Value dyn = v13.Op("Slice", "dyn", [x, v13.Input("ds", I64, 1), v13.Input("de", I64, 1), v13.Ints("ax2", 2)]);
        ShapeInference.Run(v13.Model);
        Assert.Equal("FLOAT[N,4,5]", T(neg));
        Assert.Equal("FLOAT[N,0,5]", T(whole));
        Assert.Equal("FLOAT[N,10,?]", T(dyn));
    }

    [Fact]
    public void PadInAttributeAndInputForms()
    {
        var v2 = new IrBuilder(opset: 2);
        Value p2 = v2.Op("Pad", "p", [v2.Input("x", F, 1, 3, 4, 4)], A("pads", 0, 0, 1, 2, 0, 0, 1, 2));
        ShapeInference.Run(v2.Model);
        Assert.Equal("FLOAT[1,3,6,8]", T(p2));

        var v18 = new IrBuilder(opset: 18);
        Value x = v18.Input("x", F, "N", 3, 4, 4);
        Value p = v18.Op("Pad", "p", [x, v18.Ints("pads", 1, 1, 1, 1, 1, 1, 1, 1)]);
        Value axes = v18.Op("Pad", "pa", [x, v18.Ints("pads2", 2, 3), null, v18.Ints("axes", -1)]);
        ShapeInference.Run(v18.Model);
        Assert.Equal("FLOAT[?,5,6,6]", T(p));
        Assert.Equal("FLOAT[N,3,4,9]", T(axes));
    }

    [Fact]
    public void GatherShapeConstantsAndConstantOfShape()
    {
        var m = new IrBuilder(opset: 21);
        Value g = m.Op("Gather", "g", [m.Input("d", F, 5, 4, 3), m.Input("i", I64, 2, 7)], A("axis", 1L));
        Value sh = m.Op("Shape", "sh", [m.Input("x", F, "N", 2, 3, 4)], A("start", -3L), A("end", -1L));
        Value ints = m.Graph.AddNode("Constant", [], ["ints"], [NodeAttribute.Of("value_ints", 1L, 2L, 3L)]).Outputs[0]!;
        Value f = m.Graph.AddNode("Constant", [], ["f"], [NodeAttribute.Of("value_float", 1.5f)]).Outputs[0]!;
        Value t = m.Graph.AddNode("Constant", [], ["t"], [NodeAttribute.Of("value", TensorData.FromInt32s([2, 2], [1, 2, 3, 4]))]).Outputs[0]!;
        Value filled = m.Op("ConstantOfShape", "filled", [ints]);
        Value range = m.Op("Range", "range", [m.ScalarFloat("start", 1), m.ScalarFloat("limit", 10), m.ScalarFloat("delta", 2)]);
        ShapeInference.Run(m.Model);
        Assert.Equal("FLOAT[5,2,7,3]", T(g));
        Assert.Equal("INT64[2]", T(sh));
        Assert.Equal("INT64[3]", T(ints));
        Assert.Equal("FLOAT[]", T(f));
        Assert.Equal("INT32[2,2]", T(t));
        Assert.Equal("FLOAT[1,2,3]", T(filled));
        Assert.Equal("FLOAT[5]", T(range));
    }

    [Fact]
    public void ReduceMeanTakesAxesAsAttributeBeforeOpset18AndAsInputAfter()
    {
        var v13 = new IrBuilder(opset: 13);
        Value x = v13.Input("x", F, "N", 3, 8, 8);
        Value keep = v13.Op("ReduceMean", "keep", [x], A("axes", 2, 3));
        Value drop = v13.Op("ReduceMean", "drop", [x], A("axes", [-1L]), A("keepdims", 0L));
        Value all = v13.Op("ReduceMean", "all", [x], A("keepdims", 0L));
        ShapeInference.Run(v13.Model);
        Assert.Equal("FLOAT[N,3,1,1]", T(keep));
        Assert.Equal("FLOAT[N,3,8]", T(drop));
        Assert.Equal("FLOAT[]", T(all));

        var v18 = new IrBuilder(opset: 18);
        Value y = v18.Input("x", F, "N", 3, 8, 8);
        Value byInput = v18.Op("ReduceMean", "in", [y, v18.Ints("axes", 1)], A("keepdims", 0L));
        Value noop = v18.Op("ReduceMean", "noop", [y], A("noop_with_empty_axes", 1L));
        Value argmax = v18.Op("ArgMax", "am", [y], A("axis", 1L), A("keepdims", 0L));
        ShapeInference.Run(v18.Model);
        Assert.Equal("FLOAT[N,8,8]", T(byInput));
        Assert.Equal("FLOAT[N,3,8,8]", T(noop));
        Assert.Equal("INT64[N,8,8]", T(argmax));
    }

    [Fact]
    public void ResizeFromConstantScalesOrSizes()
    {
        var m = new IrBuilder(opset: 13);
        Value x = m.Input("x", F, "N", 3, 8, 8);
        Value byScales = m.Op("Resize", "s", [x, null, m.Graph.AddInitializer("sc", TensorData.FromFloats([4], [1, 1, 2, 1.5f]))]);
        Value bySizes = m.Op("Resize", "z", [x, null, null, m.Ints("sz", 1, 3, 5, 7)]);
        ShapeInference.Run(m.Model);
        Assert.Equal("FLOAT[N,3,16,12]", T(byScales));
        Assert.Equal("FLOAT[1,3,5,7]", T(bySizes));
    }

    [Fact]
    public void IfMergesBranchesAndSubgraphsSeeOuterValues()
    {
        var m = new IrBuilder();
        Value x = m.Input("x", F, 2, 3);
        Graph thenG = m.Model.CreateGraph("then");
        Value t = thenG.AddNode("Relu", [x], ["t"]).Outputs[0]!;
        thenG.AddOutput(t);
        Graph elseG = m.Model.CreateGraph("else");
        Value e = elseG.AddNode("Concat", [x, x], ["e"], [A("axis", 1L)]).Outputs[0]!;
        elseG.AddOutput(e);
        Value y = m.Op("If", "y", [m.Input("c", ElementType.Bool)],
            new NodeAttribute("then_branch", AttributeKind.Graph) { G = thenG }, new NodeAttribute("else_branch", AttributeKind.Graph) { G = elseG });
        ShapeInference.Run(m.Model);
        Assert.Equal("FLOAT[2,3]", T(t));
        Assert.Equal("FLOAT[2,6]", T(e));
        Assert.Equal("FLOAT[2,?]", T(y));
    }

    [Fact]
    public void LoopSeedsItsBodyAndStacksScanOutputs()
    {
        var m = new IrBuilder();
        Value init = m.Input("acc", F, 4);
        Graph body = m.Model.CreateGraph("body");
        body.AddInput("i", null);
        Value cond = body.AddInput("cond_in", null);
        Value acc = body.AddInput("acc_in", null);
        Value next = body.AddNode("Add", [acc, acc], ["acc_out"]).Outputs[0]!;
        Value scan = body.AddNode("Unsqueeze", [next, m.Ints("ax", 0)], ["scan_out"]).Outputs[0]!;
        Value condOut = body.AddNode("Identity", [cond], ["cond_out"]).Outputs[0]!;
        body.AddOutput(condOut);
        body.AddOutput(next);
        body.AddOutput(scan);
        Node loop = m.OpN("Loop", ["final", "stacked"], [m.Ints("trip", 3), null, init], new NodeAttribute("body", AttributeKind.Graph) { G = body });
        ShapeInference.Run(m.Model);
        Assert.Equal("INT64[]", T(body.Inputs[0]));
        Assert.Equal("BOOL[]", T(condOut));
        Assert.Equal("FLOAT[4]", T(next));
        Assert.Equal("FLOAT[4]", T(loop.Outputs[0]!));
        Assert.Equal("FLOAT[?,1,4]", T(loop.Outputs[1]!));
    }

    [Fact]
    public void FunctionBodiesAreInferredAtTheirOwnOpset()
    {
        var m = new IrBuilder(opset: 17);
        Graph body = m.Model.CreateGraph("fn");
        Value a = body.AddInput("a", Type(F, 2, 3, 1));
        Value sq = body.AddNode("Squeeze", [a], ["sq"], [A("axes", [2L])]).Outputs[0]!;
        body.AddOutput(sq);
        m.Model.AddFunction(new FunctionDef("com.example", "SqueezeLast", body) { Opsets = [new OpsetImport("", 11)] });
        ShapeInference.Run(m.Model);
        Assert.Equal("FLOAT[2,3]", T(sq));
    }

    [Fact]
    public void FunctionCallsGetTheirBodysTypesForTheCallsInputs()
    {
        var m = new IrBuilder(opset: 17);
        Graph body = m.Model.CreateGraph("fn");
        Value a = body.AddInput("a", null);
        Value r = body.AddNode("Relu", [a], ["r"]).Outputs[0]!;
        Value t = body.AddNode("Transpose", [r], ["t"], [A("perm", 1, 0)]).Outputs[0]!;
        Value scaled = body.AddNode("LeakyRelu", [t], ["s"], [new NodeAttribute("alpha", AttributeKind.Float) { RefAttrName = "slope" }]).Outputs[0]!;
        body.AddOutput(t);
        body.AddOutput(scaled);
        m.Model.AddFunction(new FunctionDef("local", "ReluT", body) { AttributeNames = ["slope"] });
        Node call = m.Graph.AddNode("ReluT", [m.Input("x", F, "N", 3)], ["y", "z"], [A("slope", 0.5f)], domain: "local");
        Node half = m.Graph.AddNode("ReluT", [m.Input("h", ElementType.Float16, 4, 5)], ["yh", "zh"], domain: "local");
        ShapeInference.Run(m.Model);
        Assert.Equal("FLOAT[3,N]", T(call.Outputs[0]!));
        Assert.Equal("FLOAT[*]", T(call.Outputs[1]!));
        Assert.Equal("FLOAT16[5,4]", T(half.Outputs[0]!));
        Assert.Null(a.Type);
        Assert.Null(t.Type);
    }

    [Theory]
    [InlineData("bij,bjk->bik", "FLOAT[B,3,5]")]
    [InlineData("bij,bjk", "FLOAT[3,5]")]
    [InlineData("bij,bjk->", "FLOAT[]")]
    [InlineData("...ij,...jk->...ik", "FLOAT[*]")]
    public void EinsumTakesOutputDimsFromTheLetters(string equation, string expected)
    {
        var m = new IrBuilder();
        Value y = m.Op("Einsum", "y", [m.Input("a", F, "B", 3, 4), m.Input("b", F, "B", 4, 5)], A("equation", equation));
        ShapeInference.Run(m.Model);
        Assert.Equal(expected, T(y));
    }
}
