// Declared versus inferred types: re-running inference after a rewrite follows the new graph; declared types stay.
using Onnxc.GraphIR.Analysis;
using static Onnxc.GraphIR.Tests.Analysis.IrBuilder;

namespace Onnxc.GraphIR.Tests.Analysis;

public sealed class TypeOriginTests
{
    private const ElementType F = ElementType.Float;

    /// <summary>x[1,3,8,8] → Conv(W[8,3,3,3]) → y → Relu → r.</summary>
    private static (IrBuilder B, Node Conv, Value Y, Value R) ConvRelu()
    {
        var b = new IrBuilder();
        Value x = b.Input("x", F, 1, 3, 8, 8);
        Value y = b.Op("Conv", "y", [x, b.Floats("w", [8, 3, 3, 3])]);
        Value r = b.Op("Relu", "r", [y]);
        return (b, y.Producer!, y, r);
    }

    [Fact]
    public void InferenceMarksWhatItDerivedAndLeavesDeclaredTypesDeclared()
    {
        (IrBuilder b, _, Value y, _) = ConvRelu();
        Value x = b.Graph.Inputs[0];

        ShapeInference.Run(b.Model);

        Assert.Equal("FLOAT[1,8,6,6]", T(y));
        Assert.True(y.TypeIsInferred);
        Assert.False(x.TypeIsInferred);
        Graph.SetType(y, Type(F, 1, 8, 6, 6));
        Assert.False(y.TypeIsInferred);
    }

    [Fact]
    public void AfterAWeightShrinksInferenceAgainGivesTheNewChannelCount()
    {
        (IrBuilder b, Node conv, Value y, Value r) = ConvRelu();
        ShapeInference.Run(b.Model);

        // Pruning keeps 4 of the 8 output channels.
        b.Graph.SetInput(conv, 1, b.Floats("w_pruned", [4, 3, 3, 3]));
        ShapeInference.Run(b.Model);

        Assert.Equal("FLOAT[1,4,6,6]", T(y));
        Assert.Equal("FLOAT[1,4,6,6]", T(r));
    }

    [Fact]
    public void ADeclaredDimensionStillWinsOverInference()
    {
        (IrBuilder b, Node conv, Value y, _) = ConvRelu();
        Graph.SetType(y, Type(F, 1, 8, 6, 6));

        b.Graph.SetInput(conv, 1, b.Floats("w_pruned", [4, 3, 3, 3]));
        ShapeInference.Run(b.Model);

        // What the model (or a pass) declared is kept; clearing it lets inference decide.
        Assert.Equal("FLOAT[1,8,6,6]", T(y));
        Graph.SetType(y, null);
        ShapeInference.Run(b.Model);
        Assert.Equal("FLOAT[1,4,6,6]", T(y));
    }

    [Fact]
    public void ReinferForgetsInferredDimsThatNoLongerFollow()
    {
        (IrBuilder b, _, Value y, Value r) = ConvRelu();
        Value x = b.Graph.Inputs[0];
        ShapeInference.Run(b.Model);

        // The input loses its spatial size: a plain run keeps the old inferred 6x6 (it never makes a type less
        // specific), Reinfer starts from the declarations and knows only what still follows.
        Graph.SetType(x, Type(F, 1, 3, "?", "?"));
        ShapeInference.Run(b.Model);
        Assert.Equal("FLOAT[1,8,6,6]", T(y));

        ShapeInference.Reinfer(b.Model);

        Assert.Equal("FLOAT[1,8,?,?]", T(y));
        Assert.Equal("FLOAT[1,8,?,?]", T(r));
        Assert.Equal("FLOAT[1,3,?,?]", T(x));
    }
}
