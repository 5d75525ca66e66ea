// Which graphs the passes rewrite: the main graph and its subgraphs, not model-local function bodies.
namespace Onnxc.Passes;

/// <summary>
/// Passes work on the main graph and the If/Loop/Scan bodies nested in it. Function bodies are left alone: they
/// cannot hold initializers (so folding there would make an invalid model) and their attribute references make
/// node attributes unknown until the function is called.
/// </summary>
public static class PassScope
{
    public static IReadOnlyList<Graph> Graphs(Model model) => [.. model.Graph.SelfAndSubgraphs()];
}
