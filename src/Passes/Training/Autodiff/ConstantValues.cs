// Reads compile-time constants (initializers, Constant nodes) that rules need statically: axes, exponents.
namespace Onnxc.Passes.Training.Autodiff;

/// <summary>Static values of constant inputs, as a backward rule sees them.</summary>
public static class ConstantValues
{
    /// <summary>The value of <paramref name="value"/> when it is a constant initializer or a Constant node's output.</summary>
    public static TensorData? TryGet(Value? value)
    {
        if (value is null)
        {
            return null;
        }

        if (value.IsConstant)
        {
            return value.Initializer;
        }

        return value.Producer is { OpType: "Constant" } p && p.Attribute("value") is { Kind: AttributeKind.Tensor } a ? a.T : null;
    }

    /// <summary>The integers of a constant input (axes, split sizes), or null when it is not a constant.</summary>
    public static long[]? TryGetInt64s(Value? value) => TryGet(value)?.ToInt64s();
}
