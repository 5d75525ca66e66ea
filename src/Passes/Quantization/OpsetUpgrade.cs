// Brings a float model to opset 13, which per-channel QuantizeLinear/DequantizeLinear (axis) need.
using Onnxc.Passes.Opset;
using Onnxc.Passes.Quantization.Stages;

namespace Onnxc.Passes.Quantization;

/// <summary>
/// Prepares a float model's opset for quantization (the <see cref="QuantizationOpset"/> stage of -O int8): a model
/// below opset 13 is upgraded by <see cref="OpsetUpgrader"/>, which rewrites every operator whose meaning changed
/// on the way or refuses, naming the node, when it has no rule.
/// </summary>
public static class OpsetUpgrade
{
    public const int TargetOpset = 13;

    /// <summary>Runs the whole stage on <paramref name="model"/> in place; returns false when it already was at 13 or later.</summary>
    /// <exception cref="InvalidModelException">An operator on the way has no upgrade rule.</exception>
    public static bool Run(Model model)
    {
        ArgumentNullException.ThrowIfNull(model);
        bool upgrade = (model.OpsetVersion() ?? 1) < TargetOpset;
        new QuantizationOpset().Run(model, new PassContext());
        return upgrade;
    }

    /// <summary>The upgrade itself, after initializer inputs and Dropouts are gone.</summary>
    internal static void UpgradeOpset(Model model)
    {
        if ((model.OpsetVersion() ?? 1) < TargetOpset)
        {
            OpsetUpgrader.Upgrade(model, TargetOpset);
        }

        model.IrVersion = Math.Max(model.IrVersion, 7);
    }
}
