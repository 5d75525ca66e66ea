// Element types and shapes of every node output for the quantization planner: GraphIR's inference first, ONNX Runtime for what it leaves open.
using Microsoft.ML.OnnxRuntime;
using Onnxc.Evaluation;
using Onnxc.GraphIR;
using Onnxc.GraphIR.Analysis;

namespace Onnxc.Passes.Quantization;

/// <summary>
/// Quantization must know which tensors are float (a Concat of INT64 shape values is not quantized) and the rank
/// of a MatMul's input. GraphIR's shape inference gives both for every op it knows; only the node outputs it leaves
/// without an element type or a shape (an op of a domain it has no rule for, say) are asked of ONNX Runtime, which
/// infers them when they are exposed as untyped outputs of a copy of the model. Either way the types are recorded
/// with <see cref="Graph.SetType"/> (derived facts, not a change).
/// </summary>
public static class TypeProbe
{
    public static void Run(Model model)
    {
        ShapeInference.Run(model);
        Graph g = model.Graph;
        string[] names = [.. g.Nodes.SelectMany(n => n.Outputs).Where(v => v is not null && (v.ElementType == ElementType.Undefined || v.Shape is null)).Select(v => v!.Name)];
        if (names.Length == 0)
        {
            return;
        }

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
