// Asks ONNX Runtime for the element type and shape of every node output, and records them in the IR.
using Microsoft.ML.OnnxRuntime;
using Onnxc.Evaluation;
using Onnxc.GraphIR;

namespace Onnxc.Passes.Quantization;

/// <summary>
/// Quantization must know which tensors are float (a Concat of INT64 shape values is not quantized) and the rank
/// of a MatMul's input. ORT infers both when every node output is exposed as an untyped output of a copy of the
/// model; this records what it found with <see cref="Graph.SetType"/> (a derived fact, not a change).
/// </summary>
public static class TypeProbe
{
    public static void Run(Model model)
    {
        Graph g = model.Graph;
        string[] names = [.. g.Nodes.SelectMany(n => n.Outputs).Where(v => v is not null).Select(v => v!.Name)];
        using InferenceRunner runner = InferenceRunner.Create(model, names);
        foreach ((string name, NodeMetadata meta) in runner.OutputMetadata)
        {
            if (!meta.IsTensor || g.FindValue(name) is not { } value)
            {
                continue;
            }

            Graph.SetType(value, new TensorType((ElementType)(int)meta.ElementDataType, ShapeOf(meta, value)));
        }

        foreach ((string name, NodeMetadata meta) in runner.InputMetadata)
        {
            if (meta.IsTensor && g.FindValue(name) is { Type: null } value)
            {
                Graph.SetType(value, new TensorType((ElementType)(int)meta.ElementDataType, ShapeOf(meta, value)));
            }
        }
    }

    /// <summary>
    /// ORT reports a shape it could not infer the same way as a scalar's, with no dimensions: then the shape the
    /// IR already has (from our own inference; null when unknown) is kept rather than recorded as rank 0.
    /// </summary>
    private static TensorShape? ShapeOf(NodeMetadata meta, Value value)
    {
        if (meta.Dimensions.Length == 0)
        {
            return value.Shape;
        }

        return new TensorShape([.. meta.Dimensions.Select(d => d >= 0 ? Dim.Of(d) : Dim.Unknown)]);
    }
}
