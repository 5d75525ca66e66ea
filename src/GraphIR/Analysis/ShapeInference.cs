// Shape and type inference over the IR.
namespace Onnxc.GraphIR.Analysis;

public static class ShapeInference
{
    /// <summary>
    /// Infers element types and shapes of every value it can, in every graph of the model, writing them with
    /// Graph.SetType. A shape that cannot be inferred stays unknown; that is not an error.
    /// </summary>
    public static void Run(Model model) => throw new NotImplementedException("being written");
}
