// Shape and type inference over the IR.
namespace Onnxc.GraphIR.Analysis;

public static class ShapeInference
{
    /// <summary>The default-domain opset assumed when a model imports none (the newest this inference knows).</summary>
    public const long DefaultOpset = 23;

    /// <summary>
    /// Infers element types and shapes of every value it can, in every graph of the model (subgraphs of If, Loop
    /// and Scan, and function bodies), writing them with Graph.SetType. A shape that cannot be inferred stays
    /// unknown; that is not an error, and no op makes this throw. A type the model declares is never replaced by a
    /// less specific one, and a declared dimension that conflicts with the inferred one is kept.
    /// </summary>
    public static void Run(Model model)
    {
        long opset = model.OpsetVersion("") ?? DefaultOpset;
        new ShapeInferrer(opset).InferGraph(model.Graph);
        foreach (FunctionDef f in model.Functions)
        {
            long fOpset = f.Opsets.FirstOrDefault(o => o.IsDefaultDomain)?.Version ?? opset;
            new ShapeInferrer(fOpset).InferGraph(f.Body);
        }
    }

    /// <summary>
    /// Forgets every type an earlier inference derived (declared types stay) and infers again: after a rewrite that
    /// changes what flows through the graph (a pruned weight, a new input shape), no stale dimension survives.
    /// </summary>
    public static void Reinfer(Model model)
    {
        foreach (Graph graph in model.AllGraphs())
        {
            foreach (Value v in graph.Values.Where(v => v.TypeIsInferred))
            {
                Graph.SetInferredType(v, null);
            }
        }

        Run(model);
    }
}
