// upgrade-opset-for-int8: brings a float model to opset 13, which per-channel QuantizeLinear/DequantizeLinear (axis) need.
using Onnxc.Passes.Cleanup.NoOps;
using Onnxc.Passes.Rewriting;

namespace Onnxc.Passes.Quantization.Stages;

/// <summary>
/// The first stage of -O int8: initializers listed as graph inputs (IR &lt; 4 style) become plain constants so they
/// can be quantized, inference Dropouts go (their mask output changed type at opset 10; the -O 1 rule
/// <see cref="DropoutElimination"/> decides), and a model below opset 13 is upgraded (<see cref="Opset.OpsetUpgrader"/>).
/// </summary>
public sealed class QuantizationOpset : Int8Pass
{
    private readonly RewritePass _dropouts = new("eliminate-dropout", "remove inference Dropouts", OptLevel.O1, PassRequirements.None, [new DropoutElimination()]);

    public override string Name => "upgrade-opset-for-int8";

    public override string Description => $"initializers out of the graph inputs, inference Dropouts removed, opset {OpsetUpgrade.TargetOpset} (per-channel Q/DQ need it)";

    public override bool CanBeDisabled => false;

    public override void Run(Model model, PassContext context)
    {
        Graph g = model.Graph;
        foreach (Value v in g.Inputs.Where(v => v.IsInitializer).ToList())
        {
            g.RemoveInput(v);

            // It was described as an input; as a plain constant it needs no value_info entry.
            Graph.ClearValueInfo(v);
        }

        _dropouts.Run(model, context);
        OpsetUpgrade.UpgradeOpset(model);
    }
}
