// Tests of OpInferenceRules: code outside GraphIR types ops of new domains (and new default-domain ops) for inference.
using Onnxc.GraphIR.Analysis;
using static Onnxc.GraphIR.Tests.Analysis.IrBuilder;

namespace Onnxc.GraphIR.Tests.Analysis;

public sealed class OpInferenceRulesTests
{
    private const ElementType F = ElementType.Float;

    /// <summary>A made-up op Tile2(x, repeats): x's element type, each dim times its constant repeat.</summary>
    private static void Tile2(OpInferenceContext c)
    {
        if (c.InputShape(0) is { } shape && c.ConstantInts(1) is { } repeats && repeats.Length == shape.Rank)
        {
            c.SetOutput(0, c.InputElementType(0), new TensorShape([.. shape.Dims.Select((d, i) => d.IsKnown ? Dim.Of(d.Value!.Value * repeats[i]) : Dim.Unknown)]));
        }
        else
        {
            c.SetOutput(0, c.InputElementType(0), null);
        }
    }

    [Fact]
    public void ARegisteredRuleTypesAnOpOfANewDomainInInferenceAndInTheBuilder()
    {
        const string domain = "tests.tile";
        OpInferenceRules.Register(domain, "Tile2", Tile2);
        try
        {
            var b = new IrBuilder(13);
            Value x = b.Input("x", F, 2, 3);
            Value y = b.Graph.AddNode("Tile2", [x, b.Ints("r", 2, 5)], ["y"], domain: domain).Outputs[0]!;
            ShapeInference.Run(b.Model);
            Assert.Equal("FLOAT[4,15]", T(y));

            GraphBuilder gb = GraphBuilder.ForNewModel(13);
            Value x2 = gb.Input("x", ElementType.Int32, 1, 7);
            Value y2 = gb.Add("Tile2", [x2, gb.Initializer("r", TensorData.FromInt64s([2], [3, 1]))], ["y"], domain: domain).Outputs[0]!;
            Assert.Equal("INT32[3,7]", T(y2));
        }
        finally
        {
            Assert.True(OpInferenceRules.Unregister(domain, "Tile2"));
        }

        Assert.Null(OpInferenceRules.Find(domain, "Tile2"));
    }

    [Fact]
    public void ARuleForANewDefaultDomainOpIsFoundUnderBothSpellingsOfTheDomain()
    {
        OpInferenceRules.Register("ai.onnx", "TestsOnlyFutureOp", c => c.SetOutput(0, ElementType.Int64, new TensorShape([1])));
        try
        {
            var b = new IrBuilder(13);
            Value y = b.Op("TestsOnlyFutureOp", "y", [b.Input("x", F, 2)]);
            ShapeInference.Run(b.Model);
            Assert.Equal("INT64[1]", T(y));
        }
        finally
        {
            OpInferenceRules.Unregister("", "TestsOnlyFutureOp");
        }
    }

    [Fact]
    public void ARuleThatThrowsLeavesItsNodeUntypedAndInferenceGoesOn()
    {
        const string domain = "tests.throwing";
        OpInferenceRules.Register(domain, "Bad", _ => throw new ArgumentException("not for this node"));
        try
        {
            var b = new IrBuilder(13);
            Value x = b.Input("x", F, 2);
            Node bad = b.Graph.AddNode("Bad", [x], ["y"], domain: domain);
            Value z = b.Op("Relu", "z", [x]);
            ShapeInference.Run(b.Model);
            Assert.Null(bad.Outputs[0]!.Type);
            Assert.Equal("FLOAT[2]", T(z));
        }
        finally
        {
            OpInferenceRules.Unregister(domain, "Bad");
        }
    }

    [Fact]
    public void OnnxcsOwnContribOpsAreTypedThroughTheRegistry()
    {
        Assert.NotNull(OpInferenceRules.Find("com.microsoft", "DynamicQuantizeMatMul"));
        GraphBuilder b = GraphBuilder.ForNewModel(13);
        Value a = b.Input("a", F, Dim.Symbol("N"), 16);
        Value w = b.Initializer("w", TensorData.FromSBytes([16, 4], new sbyte[64]));
        Value y = b.Add("DynamicQuantizeMatMul", [a, w, b.Initializer("s", TensorData.Scalar(0.1f))], ["y"], domain: "com.microsoft").Outputs[0]!;
        Assert.Equal("FLOAT[N,4]", T(y));
    }
}
