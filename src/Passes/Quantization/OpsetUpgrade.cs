// Brings a float model to opset 13, which per-channel QuantizeLinear/DequantizeLinear (axis) need.
using Onnxc.GraphIR;
using Onnxc.Passes.Opset;

namespace Onnxc.Passes.Quantization;

/// <summary>
/// Prepares a float model's opset for quantization: initializers listed as graph inputs (IR &lt; 4 style) become
/// plain constants so they can be quantized, inference Dropouts go (their mask output changed type at opset 10),
/// and a model below opset 13 is upgraded by <see cref="OpsetUpgrader"/>, which rewrites every operator whose
/// meaning changed on the way or refuses, naming the node, when it has no rule.
/// </summary>
public static class OpsetUpgrade
{
    public const int TargetOpset = 13;

    /// <summary>Upgrades <paramref name="model"/> in place; returns false when it already was at 13 or later.</summary>
    /// <exception cref="InvalidModelException">An operator on the way has no upgrade rule.</exception>
    public static bool Run(Model model)
    {
        ArgumentNullException.ThrowIfNull(model);
        Graph g = model.Graph;
        foreach (Value v in g.Inputs.Where(v => v.IsInitializer).ToList())
        {
            g.RemoveInput(v);
        }

        RemoveInferenceDropouts(g);
        bool upgrade = (model.OpsetVersion() ?? 1) < TargetOpset;
        if (upgrade)
        {
            OpsetUpgrader.Upgrade(model, TargetOpset);
        }

        model.IrVersion = Math.Max(model.IrVersion, 7);
        return upgrade;
    }

    private static void RemoveInferenceDropouts(Graph g)
    {
        foreach (Node node in g.Nodes.Where(n => n.IsDefaultDomain && n.OpType == "Dropout").ToList())
        {
            if (node.Outputs.Skip(1).Any(o => o is not null && (o.Uses.Count > 0 || o.IsGraphOutput)))
            {
                continue; // a used mask is left for the upgrader to judge
            }

            g.ReplaceAllUsesWith(node.Outputs[0]!, node.Inputs[0]!);
            g.RemoveNode(node);
        }
    }
}
