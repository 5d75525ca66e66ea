// What a rule sees while it runs: the graph, the model, the pass context, and helpers for common edits.
namespace Onnxc.Passes.Rewriting;

public sealed class RewriteContext(Graph graph, PassContext passContext)
{
    public Graph Graph { get; } = graph;

    public Model Model => Graph.Model;

    public PassContext PassContext { get; } = passContext;

    /// <summary>The default-domain opset the model imports (1 when it imports none).</summary>
    public long Opset => Model.OpsetVersion() ?? 1;

    /// <summary>Makes readers of <paramref name="from"/> read <paramref name="to"/> (graph outputs keep their names).</summary>
    public void Replace(Value from, Value to) => Graph.ReplaceAllUsesWith(from, to);

    /// <summary>Removes the given nodes, in order, when nothing reads their outputs any more.</summary>
    public void RemoveIfDead(params Node[] nodes)
    {
        foreach (Node n in nodes)
        {
            if (!n.IsRemoved && n.Graph == Graph && n.Outputs.All(o => o is null || (o.Uses.Count == 0 && !o.IsGraphOutput)))
            {
                Graph.RemoveNode(n);
            }
        }
    }

    /// <summary>Removes an initializer that nothing reads any more; keeps it when it is still read or is a graph input.</summary>
    public void RemoveIfUnused(Value? initializer)
    {
        if (initializer is not null && initializer.Graph == Graph && ConstantValues.IsRemovable(initializer))
        {
            Graph.RemoveInitializer(initializer);
        }
    }

    /// <summary>Adds a constant initializer named after <paramref name="hint"/>.</summary>
    public Value AddConstant(string hint, TensorData data) => Graph.AddConstant(hint, data);
}
