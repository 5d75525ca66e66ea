// remove-unused-initializers: drops initializers nothing reads (initializers that are graph inputs stay).
namespace Onnxc.Passes.Cleanup;

public sealed class UnusedInitializerRemoval : Pass
{
    public override string Name => "remove-unused-initializers";

    public override string Description => "remove initializers that nothing reads and that are not graph inputs";

    public override void Run(Model model, PassContext context)
    {
        foreach (Graph graph in PassScope.Graphs(model))
        {
            foreach (Value v in graph.Initializers.ToList())
            {
                // An initializer listed as a graph input is part of the model's interface (a default value).
                if (ConstantValues.IsRemovable(v))
                {
                    graph.RemoveInitializer(v);
                }
            }
        }
    }
}
