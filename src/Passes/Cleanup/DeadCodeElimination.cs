// eliminate-dead-code: removes nodes whose outputs nothing reads.
namespace Onnxc.Passes.Cleanup;

/// <summary>
/// Removes every node none of whose outputs is read (by a node, a subgraph or a graph output). Walking the nodes
/// backwards removes whole dead chains in one sweep, since a consumer goes before its producers are checked.
/// ONNX ops have no side effects, so an unread node never matters.
/// </summary>
public sealed class DeadCodeElimination : Pass
{
    public override string Name => "eliminate-dead-code";

    public override string Description => "remove nodes whose outputs nothing reads";

    public override void Run(Model model, PassContext context)
    {
        foreach (Graph graph in PassScope.Graphs(model))
        {
            for (int i = graph.Nodes.Count - 1; i >= 0; i--)
            {
                Node node = graph.Nodes[i];
                if (node.Outputs.All(o => o is null || (o.Uses.Count == 0 && !o.IsGraphOutput)))
                {
                    graph.RemoveNode(node);
                }
            }
        }
    }
}
