// Rewrites Dropout for training: a mask drawn on the host per step, fed as an input, multiplies the activation.
namespace Onnxc.Passes.Training;

/// <summary>
/// In a training step Dropout(X, ratio p) is Y = X·M with M[i] = 1/(1−p) with probability 1−p and 0 otherwise
/// (inverted dropout, the scaling of ONNX's training mode). The mask is not drawn by ONNX Runtime's Dropout,
/// whose generator lives inside the session and restarts with it; it becomes a graph input the trainer fills from
/// its own per-epoch random stream, so a run resumed from a checkpoint draws the same masks as an uninterrupted
/// one and the same seed gives the same weights. The gradient then flows through an ordinary Mul:
/// dX = dY·M. p must be a constant; X's dims must be static except the first (the batch). A Dropout with p = 0
/// is the identity. Dropout's optional mask output must be unused. The evaluation model keeps the Dropout node,
/// which ONNX Runtime runs as the identity in inference.
/// </summary>
public static class DropoutTraining
{
    /// <summary>A mask input: its name, the drop probability, and its dims with −1 for the batch.</summary>
    public sealed record Mask(string Input, float Ratio, long[] Dims);

    public static IReadOnlyList<Mask> Rewrite(Graph graph)
    {
        var result = new List<Mask>();
        long opset = graph.Model.OpsetVersion("") ?? 13;
        foreach (Node node in graph.Nodes.Where(n => n.IsDefaultDomain && n.OpType == "Dropout").ToList())
        {
            if (node.Output(1) is { } maskOut && (maskOut.Uses.Count > 0 || maskOut.IsGraphOutput))
            {
                throw new TrainingException("Dropout's mask output is read by the model, which training cannot keep", node);
            }

            float ratio = Ratio(node, opset);
            Value x = node.Inputs[0]!;
            Value y = node.Outputs[0]!;
            if (ratio == 0)
            {
                graph.ReplaceAllUsesWith(y, x);
                graph.RemoveNode(node);
                continue;
            }

            long[] dims = x.Shape is { } shape ? [.. shape.Dims.Select(d => d.Value ?? -1L)]
                : throw new TrainingException("Dropout input of unknown shape", node);
            if (dims.Length == 0 || dims.Skip(1).Any(d => d < 0))
            {
                throw new TrainingException($"Dropout input [{string.Join(",", dims)}] needs static dims after the batch", node);
            }

            Value mask = graph.AddInput(graph.Model.FreshName($"{(node.Name.Length > 0 ? node.Name : x.Name)}.mask"), x.Type);
            Node mul = graph.AddNode("Mul", [x, mask], [graph.Model.FreshName($"{y.Name}_dropout")], [],
                name: graph.Model.FreshName($"{node.Name}_mask_mul"), before: node);
            graph.ReplaceAllUsesWith(y, mul.Outputs[0]!);
            graph.RemoveNode(node);
            result.Add(new Mask(mask.Name, ratio, dims));
        }

        return result;
    }

    /// <summary>Fills <paramref name="data"/> with a fresh mask: 1/(1−p) kept, 0 dropped.</summary>
    public static void Draw(float ratio, Random rng, Span<float> data)
    {
        float keep = 1f / (1f - ratio);
        for (int i = 0; i < data.Length; i++)
        {
            data[i] = rng.NextSingle() < ratio ? 0f : keep;
        }
    }

    private static float Ratio(Node node, long opset)
    {
        float ratio;
        if (opset >= 12)
        {
            if (node.Input(1) is not { } r)
            {
                ratio = 0.5f;
            }
            else if (r.Initializer is { } data && data.ElementCount == 1)
            {
                ratio = (float)data.ToDoubles()[0];
            }
            else
            {
                throw new TrainingException("Dropout's ratio must be a constant to train", node);
            }
        }
        else
        {
            ratio = node.GetFloat("ratio", 0.5f);
        }

        if (ratio is < 0 or >= 1 || float.IsNaN(ratio))
        {
            throw new TrainingException($"Dropout ratio {ratio} is outside [0, 1)", node);
        }

        return ratio;
    }
}
