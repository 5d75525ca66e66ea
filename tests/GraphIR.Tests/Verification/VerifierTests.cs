// The verifier's rules, one negative test each, plus the valid graphs it must accept.
using Onnxc.GraphIR.Tests.Analysis;
using Onnxc.GraphIR.Verification;
using static Onnxc.GraphIR.Tests.Analysis.IrBuilder;

namespace Onnxc.GraphIR.Tests.Verification;

public sealed class VerifierTests
{
    private const ElementType F = ElementType.Float;

    private static VerifierError Single(Model model)
    {
        IReadOnlyList<VerifierError> errors = Verifier.Check(model);
        Assert.True(errors.Count == 1, "expected one error, got:\n" + string.Join("\n", errors));
        return errors[0];
    }

    private static (IrBuilder M, Value X, Value Y) ValidConvModel()
    {
        var m = new IrBuilder();
        Value x = m.Input("x", F, "N", 3, 8, 8);
        Value conv = m.Op("Conv", "conv", [x, m.Floats("w", [4, 3, 3, 3]), m.Floats("b", [4])], A("pads", 1, 1, 1, 1), A("kernel_shape", 3, 3));
        Value y = m.Op("Relu", "y", [conv]);
        m.Graph.AddOutput(y);
        return (m, x, y);
    }

    [Fact]
    public void AValidModelHasNoErrors()
    {
        (IrBuilder m, _, _) = ValidConvModel();
        Assert.Empty(Verifier.Check(m.Model));
        Verifier.Verify(m.Model);
    }

    [Fact]
    public void ACycleIsReported()
    {
        var m = new IrBuilder();
        Value x = m.Input("x", F, 2);
        Value a = m.Op("Relu", "a", [x]);
        Value b = m.Op("Relu", "b", [a]);
        m.Graph.SetInput(a.Producer!, 0, b);
        m.Graph.AddOutput(b);
        Assert.Contains(Verifier.Check(m.Model), e => e.Message.Contains("cycle", StringComparison.Ordinal));
    }

    [Fact]
    public void ANodeBeforeTheProducerOfItsInputIsReported()
    {
        (IrBuilder m, _, Value y) = ValidConvModel();
        Node conv = m.Graph.Nodes[0];
        m.Graph.MoveBefore(y.Producer!, conv);
        VerifierError e = Single(m.Model);
        Assert.Contains("before its producer", e.Message, StringComparison.Ordinal);
        Assert.Equal(y.Producer!.Describe(), e.Node);
    }

    [Fact]
    public void ASubgraphReadingAnOuterValueProducedLaterIsOutOfOrder()
    {
        var m = new IrBuilder();
        Value x = m.Input("x", F, 2);
        Graph branch = m.Model.CreateGraph("branch");
        m.Graph.AddOutput(m.Op("If", "y", [m.Input("c", ElementType.Bool)],
            new NodeAttribute("then_branch", AttributeKind.Graph) { G = branch },
            new NodeAttribute("else_branch", AttributeKind.Graph) { G = branch }));
        Value late = m.Op("Relu", "late", [x]);
        Value inner = branch.AddNode("Neg", [late], ["inner"]).Outputs[0]!;
        branch.AddOutput(inner);
        VerifierError e = Single(m.Model);
        Assert.Contains("reads %late before its producer", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnInputFromAnotherGraphIsOutOfScope()
    {
        var other = new IrBuilder();
        Value foreign = other.Input("foreign", F, 2);
        var m = new IrBuilder();
        Value y = m.Op("Relu", "y", [foreign]);
        m.Graph.AddOutput(y);
        VerifierError e = Single(m.Model);
        Assert.Contains("not this graph or an enclosing one", e.Message, StringComparison.Ordinal);
        Assert.Equal(y.Producer!.Describe(), e.Node);
    }

    [Fact]
    public void AnUndefinedInputAndAnUnproducedOutputAreReported()
    {
        var m = new IrBuilder();
        Value gone = m.Input("gone", F, 2);
        m.Graph.RemoveInput(gone);
        Value y = m.Op("Relu", "y", [gone]);
        m.Graph.AddOutput(y);
        m.Graph.AddOutput(gone);
        IReadOnlyList<VerifierError> errors = Verifier.Check(m.Model);
        Assert.Contains(errors, e => e.Message.Contains("input 0 %gone is not defined", StringComparison.Ordinal) && e.Node == y.Producer!.Describe());
        Assert.Contains(errors, e => e.Message.Contains("graph output %gone is not produced", StringComparison.Ordinal) && e.Node is null);
    }

    [Fact]
    public void ANodeOutputThatIsAlsoAGraphInputHasTwoProducers()
    {
        (IrBuilder m, _, Value y) = ValidConvModel();
        m.Graph.AddInput(y);
        VerifierError e = Single(m.Model);
        Assert.Contains("graph input %y is also produced by a node", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnAttributeOfTheWrongKindNamesTheNodeAndAttribute()
    {
        (IrBuilder m, _, _) = ValidConvModel();
        Node conv = m.Graph.Nodes[0];
        m.Graph.SetAttribute(conv, NodeAttribute.Of("kernel_shape", 3f));
        VerifierError e = Single(m.Model);
        Assert.Equal("attribute 'kernel_shape' of Conv must be INTS, not FLOAT", e.Message);
        Assert.Equal(conv.Describe(), e.Node);
    }

    [Fact]
    public void UnknownAndMissingRequiredAttributesAreReported()
    {
        var m = new IrBuilder();
        Value x = m.Input("x", F, 2);
        m.Graph.AddOutput(m.Op("Relu", "r", [x], A("slope", 0.1f)));
        m.Graph.AddOutput(m.Op("Cast", "c", [x]));
        IReadOnlyList<VerifierError> errors = Verifier.Check(m.Model);
        Assert.Equal(2, errors.Count);
        Assert.Equal("Relu has no attribute 'slope'", errors[0].Message);
        Assert.Equal("Cast requires attribute 'to'", errors[1].Message);
    }

    [Fact]
    public void InputAndOutputCountsAreChecked()
    {
        var m = new IrBuilder();
        Value x = m.Input("x", F, 1, 3, 4, 4);
        m.Graph.AddOutput(m.Op("Conv", "c", [x]));
        m.Graph.AddOutput(m.Op("Add", "a", [x, x, x]));
        m.Graph.AddOutput(m.Op("Gemm", "g", [x, null]));
        IReadOnlyList<VerifierError> errors = Verifier.Check(m.Model);
        Assert.Contains(errors, e => e.Message == "Conv takes 2 to 3 inputs, got 1");
        Assert.Contains(errors, e => e.Message == "Add takes 2 inputs, got 3");
        Assert.Contains(errors, e => e.Message == "Gemm input 1 is required but omitted");
    }

    [Fact]
    public void MixedElementTypesOfOneTypeVariableAreReported()
    {
        var m = new IrBuilder();
        Value y = m.Op("Add", "y", [m.Input("a", F, 2), m.Input("b", ElementType.Int64, 2)]);
        m.Graph.AddOutput(y);
        VerifierError e = Single(m.Model);
        Assert.Equal("Add needs one element type for T: input 0 %a is FLOAT but input 1 %b is INT64", e.Message);
        Assert.Equal(y.Producer!.Describe(), e.Node);
    }

    [Fact]
    public void ATypeTheConstraintDoesNotAllowIsReported()
    {
        var m = new IrBuilder();
        Value x = m.Input("x", ElementType.Int64, 1, 3, 4, 4);
        m.Graph.AddOutput(m.Op("Conv", "c", [x, m.Graph.AddInitializer("w", TensorData.FromInt64s([1, 3, 1, 1], [1, 2, 3]))]));
        Assert.Contains(Verifier.Check(m.Model), e => e.Message.Contains("INT64, which type T does not allow", StringComparison.Ordinal));
    }

    [Fact]
    public void AnOutputTypeDisagreeingWithTheInputsIsReported()
    {
        var m = new IrBuilder();
        Value y = m.Op("Relu", "y", [m.Input("x", F, 2)]);
        Graph.SetType(y, Type(ElementType.Float16, 2));
        m.Graph.AddOutput(y);
        Assert.Contains("output 0 %y is FLOAT16", Single(m.Model).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void InitializerDataMustMatchTheDeclaredType()
    {
        var m = new IrBuilder();
        Value w = m.Ints("w", 1, 2);
        Graph.SetType(w, Type(F, 3));
        m.Graph.AddOutput(m.Op("Identity", "y", [w]));
        IReadOnlyList<VerifierError> errors = Verifier.Check(m.Model);
        Assert.Contains(errors, e => e.Message == "initializer %w is declared FLOAT but holds INT64 data");
        Assert.Contains(errors, e => e.Message == "initializer %w is declared [3] but holds data of shape [2]");
    }

    [Fact]
    public void QuantizationParametersArePerTensorOrPerAxisOfTheRightLength()
    {
        var m = new IrBuilder(opset: 13);
        Value w = m.Graph.AddInitializer("w", TensorData.FromSBytes([16, 3, 1, 1], new sbyte[48]));
        Value good = m.Op("DequantizeLinear", "good", [w, m.Floats("s16", [16]), m.Graph.AddInitializer("z16", TensorData.FromSBytes([16], new sbyte[16]))], A("axis", 0L));
        Value tensorWise = m.Op("DequantizeLinear", "pt", [w, m.ScalarFloat("s", 0.1f), m.Graph.AddInitializer("z", TensorData.FromSBytes([], [0]))]);
        Value badLength = m.Op("DequantizeLinear", "len", [w, m.Floats("s8", [8])], A("axis", 0L));
        Value badRank = m.Op("DequantizeLinear", "rank", [w, m.Floats("s2d", [16, 1])], A("axis", 0L));
        Value badZp = m.Op("DequantizeLinear", "zp", [w, m.Floats("s16b", [16]), m.Graph.AddInitializer("z1", TensorData.FromSBytes([], [0]))], A("axis", 0L));
        foreach (Value v in (Value[])[good, tensorWise, badLength, badRank, badZp])
        {
            m.Graph.AddOutput(v);
        }

        IReadOnlyList<VerifierError> errors = Verifier.Check(m.Model);
        Assert.Equal(3, errors.Count);
        Assert.Equal("DequantizeLinear per-axis scale has 8 elements but the quantized axis has 16", errors[0].Message);
        Assert.Equal(badLength.Producer!.Describe(), errors[0].Node);
        Assert.Equal("DequantizeLinear scale must be a scalar or a 1-D tensor, got shape [16,1]", errors[1].Message);
        Assert.Equal("DequantizeLinear zero point shape [] differs from scale shape [16]", errors[2].Message);
    }

    [Fact]
    public void QLinearConvInputAndOutputScalesArePerTensor()
    {
        var m = new IrBuilder(opset: 13);
        Value s = m.ScalarFloat("s", 0.5f);
        Value z = m.Graph.AddInitializer("z", TensorData.FromBytesU8([], [128]));
        Value wz = m.Graph.AddInitializer("wz", TensorData.FromSBytes([4], new sbyte[4]));
        Value x = m.Input("x", ElementType.UInt8, 1, 3, 8, 8);
        Value w = m.Graph.AddInitializer("w", TensorData.FromSBytes([4, 3, 1, 1], new sbyte[12]));
        Value xs = m.Floats("xs", [3]);
        m.Graph.AddOutput(m.Op("QLinearConv", "y", [x, xs, z, w, m.Floats("ws", [4]), wz, s, z]));
        Assert.Equal("QLinearConv x_scale must be a scalar, got shape [3]", Verifier.Check(m.Model)[0].Message);
    }

    [Fact]
    public void UnknownOpsAndOtherDomainsGetStructuralChecksOnly()
    {
        var m = new IrBuilder();
        Value x = m.Input("x", F, 2);
        Value y = m.Graph.AddNode("FusedThing", [x, x, x], ["y"], [A("anything", "goes")], domain: "com.microsoft").Outputs[0]!;
        Value z = m.Op("NotInTheTable", "z", [y], A("weird", 1f));
        m.Graph.AddOutput(z);
        Assert.Empty(Verifier.Check(m.Model));
    }

    [Fact]
    public void VerifyThrowsAnInvalidModelExceptionNamingFileAndNode()
    {
        var m = new IrBuilder();
        Value y = m.Op("Add", "y", [m.Input("a", F, 2), m.Input("b", ElementType.Int32, 2)]);
        m.Graph.AddOutput(y);
        InvalidModelException e = Assert.Throws<InvalidModelException>(() => Verifier.Verify(m.Model, "model.onnx"));
        Assert.StartsWith("model.onnx: node Add -> 'y': Add needs one element type for T", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ConstantNeedsOneValueAndTypeAttributesNameARealType()
    {
        var m = new IrBuilder();
        m.Graph.AddOutput(m.Graph.AddNode("Constant", [], ["empty"]).Outputs[0]!);
        m.Graph.AddOutput(m.Graph.AddNode("Constant", [], ["two"], [A("value_int", 1L), A("value_float", 2f)]).Outputs[0]!);
        m.Graph.AddOutput(m.Op("Cast", "c", [m.Input("x", F, 2)], A("to", 99L)));
        IReadOnlyList<VerifierError> errors = Verifier.Check(m.Model);
        Assert.Equal(3, errors.Count);
        Assert.Equal("Constant needs exactly one value attribute, has 0", errors[0].Message);
        Assert.Equal("Constant needs exactly one value attribute, has 2", errors[1].Message);
        Assert.Equal("attribute 'to' of Cast is 99, not an ONNX element type", errors[2].Message);
    }
}
