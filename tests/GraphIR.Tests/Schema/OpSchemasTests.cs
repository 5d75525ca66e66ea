// The operator table: coverage of the ops the verifier must know, and the facts it states for a few of them.
using Onnxc.GraphIR.Schema;

namespace Onnxc.GraphIR.Tests.Schema;

public sealed class OpSchemasTests
{
    [Theory]
    [InlineData("Conv")]
    [InlineData("ConvTranspose")]
    [InlineData("Gemm")]
    [InlineData("MatMul")]
    [InlineData("Add")]
    [InlineData("Where")]
    [InlineData("Relu")]
    [InlineData("Clip")]
    [InlineData("HardSwish")]
    [InlineData("BatchNormalization")]
    [InlineData("LayerNormalization")]
    [InlineData("MaxPool")]
    [InlineData("GlobalAveragePool")]
    [InlineData("Reshape")]
    [InlineData("Squeeze")]
    [InlineData("Split")]
    [InlineData("Slice")]
    [InlineData("Pad")]
    [InlineData("Gather")]
    [InlineData("Shape")]
    [InlineData("Constant")]
    [InlineData("ConstantOfShape")]
    [InlineData("Cast")]
    [InlineData("ReduceMean")]
    [InlineData("QuantizeLinear")]
    [InlineData("DequantizeLinear")]
    [InlineData("QLinearConv")]
    [InlineData("QLinearMatMul")]
    [InlineData("MatMulInteger")]
    [InlineData("ConvInteger")]
    [InlineData("DynamicQuantizeLinear")]
    [InlineData("Expand")]
    [InlineData("Tile")]
    [InlineData("Range")]
    [InlineData("If")]
    [InlineData("Loop")]
    public void TheTableDescribesTheOpsTheVerifierChecks(string op)
    {
        Assert.NotNull(OpSchemas.Find("", op));
        Assert.Same(OpSchemas.Find("", op), OpSchemas.Find("ai.onnx", op));
    }

    [Fact]
    public void OtherDomainsAndUnknownOpsAreNotDescribed()
    {
        Assert.Null(OpSchemas.Find("com.microsoft", "Conv"));
        Assert.Null(OpSchemas.Find("", "FusedConv"));
    }

    [Fact]
    public void ConvFacts()
    {
        OpSchema conv = OpSchemas.Find("", "Conv")!;
        Assert.Equal((2, 3, 1, 1), (conv.MinInputs, conv.MaxInputs, conv.MinOutputs, conv.MaxOutputs));
        Assert.Equal(new[] { AttributeKind.Ints }, conv.Attribute("kernel_shape")!.Kinds.ToArray());
        Assert.Equal(new[] { AttributeKind.String }, conv.Attribute("auto_pad")!.Kinds.ToArray());
        Assert.Null(conv.Attribute("kernel"));
        Assert.Equal("T", conv.InputTypeVariable(2));
        Assert.Null(conv.InputTypeVariable(3));
        Assert.Equal(new[] { ElementType.Float, ElementType.Float16, ElementType.Double, ElementType.BFloat16 }.Order(), conv.Allowed("T")!.Value.Order());
    }

    [Fact]
    public void VariadicInputsAndOutputsRepeatTheirTypeVariable()
    {
        OpSchema concat = OpSchemas.Find("", "Concat")!;
        Assert.Equal(int.MaxValue, concat.MaxInputs);
        Assert.Equal(1, concat.MinInputs);
        Assert.Equal("T", concat.InputTypeVariable(7));
        OpSchema split = OpSchemas.Find("", "Split")!;
        Assert.Equal("T", split.OutputTypeVariable(5));
        Assert.Equal(int.MaxValue, split.MaxOutputs);
    }

    [Fact]
    public void RequiredAttributesAndAlternativeKinds()
    {
        AttributeSpec to = OpSchemas.Find("", "Cast")!.Attribute("to")!;
        Assert.True(to.Required);
        Assert.Equal(new[] { AttributeKind.Int, AttributeKind.String }, to.Kinds.ToArray());
        Assert.True(OpSchemas.Find("", "MaxPool")!.Attribute("kernel_shape")!.Required);
        Assert.False(OpSchemas.Find("", "Conv")!.Attribute("kernel_shape")!.Required);
    }

    [Fact]
    public void TypeConstraints()
    {
        OpSchema add = OpSchemas.Find("", "Add")!;
        Assert.Contains(ElementType.Int64, add.Allowed("T")!.Value);
        Assert.DoesNotContain(ElementType.Bool, add.Allowed("T")!.Value);
        Assert.Equal(new[] { ElementType.Int64 }, OpSchemas.Find("", "Shape")!.Allowed("I")!.Value.ToArray());
        Assert.Null(OpSchemas.Find("", "Identity")!.Allowed("V"));
        Assert.Contains(ElementType.Int4, OpSchemas.Find("", "DequantizeLinear")!.Allowed("X")!.Value);
    }

    [Fact]
    public void EveryEntryIsWellFormed()
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (OpSchema s in OpSchemas.All)
        {
            Assert.True(names.Add(s.OpType), $"{s.OpType} twice");
            Assert.Equal(s.Attributes.Length, s.Attributes.Select(a => a.Name).Distinct().Count());
            Assert.All(s.Attributes, a => Assert.NotEmpty(a.Kinds));
            Assert.True(s.MinInputs <= s.MaxInputs && s.MinOutputs <= s.MaxOutputs, s.OpType);
        }

        Assert.True(names.Count > 150, $"only {names.Count} ops");
    }

    [Fact]
    public void MalformedSpecsAreRejected()
    {
        Assert.Throws<ArgumentException>(() => OpSchema.Parse("X", "T", "T", "axis", ""));
        Assert.Throws<ArgumentException>(() => OpSchema.Parse("X", "T", "T", "axis:q", ""));
        Assert.Throws<ArgumentException>(() => OpSchema.Parse("X", "T", "T", "", "T=floaty"));
    }
}
