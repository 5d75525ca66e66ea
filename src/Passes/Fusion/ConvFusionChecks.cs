// Guards shared by the Conv fusions.
namespace Onnxc.Passes.Fusion;

internal static class ConvFusionChecks
{
    /// <summary>The constant is per output channel of the Conv and of its weight type (null when so, else why not).</summary>
    public static string? PerChannel(Node conv, Value constant)
    {
        TensorData w = conv.Input(1)!.Initializer!;
        TensorData c = constant.Initializer!;
        if (!WeightMath.IsFoldableFloat(w.ElementType) || c.ElementType != w.ElementType)
        {
            return $"weights {w} and constant {c} are not both FLOAT or DOUBLE";
        }

        if (w.Dims.Length < 3)
        {
            return $"weights {w} have no spatial dims";
        }

        return WeightMath.PerChannel(c, w.Dims.Length, 1, w.Dims[0]) is null
            ? $"constant {c} is not per output channel of a Conv with {w.Dims[0]} channels"
            : null;
    }
}
