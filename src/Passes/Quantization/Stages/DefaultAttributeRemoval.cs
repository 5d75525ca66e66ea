// remove-default-attributes: drops Conv and pool attributes equal to their defaults; same op, fewer bytes.
namespace Onnxc.Passes.Quantization.Stages;

/// <summary>
/// Removes strides and dilations of 1, group 1, zero pads and auto_pad NOTSET from Conv, MaxPool and AveragePool. In
/// a small model the graph weighs as much as the INT8 weights, so this is part of -O int8's size.
/// </summary>
public sealed class DefaultAttributeRemoval : Int8Pass
{
    public override string Name => "remove-default-attributes";

    public override string Description => "drop Conv/MaxPool/AveragePool attributes equal to their defaults (strides 1, dilations 1, group 1, zero pads, auto_pad NOTSET)";

    public override void Run(Model model, PassContext context)
    {
        Graph g = model.Graph;
        foreach (Node n in g.Nodes)
        {
            if (n.OpType is not ("Conv" or "MaxPool" or "AveragePool"))
            {
                continue;
            }

            foreach (NodeAttribute a in n.Attributes.ToList())
            {
                if (IsDefault(a))
                {
                    g.RemoveAttribute(n, a.Name);
                }
            }
        }
    }

    private static bool IsDefault(NodeAttribute a) => a.Name switch
    {
        "strides" or "dilations" => a.Kind == AttributeKind.Ints && a.Ints.All(v => v == 1),
        "pads" => a.Kind == AttributeKind.Ints && a.Ints.All(v => v == 0),
        "group" => a.Kind == AttributeKind.Int && a.I == 1,
        "auto_pad" => a.Kind == AttributeKind.String && a.StringValue == "NOTSET",
        _ => false,
    };
}
