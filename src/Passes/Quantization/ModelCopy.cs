// Copies of IR models for the INT8 compile, and their serialized size.
using Google.Protobuf;
using Onnxc.GraphIR;
using Onnxc.GraphIR.Onnx;

namespace Onnxc.Passes.Quantization;

internal static class ModelCopy
{
    /// <summary>
    /// A copy (an IR clone, no serialization) without the main graph's value_info entries and doc strings: they are
    /// descriptive only, and in a small model (mnist-8) they cost as much as the INT8 weights. Graph inputs and
    /// outputs keep theirs, as they are part of the model's interface.
    /// </summary>
    public static Model Clone(Model model)
    {
        Model copy = model.Clone();
        Graph g = copy.Graph;
        foreach (Value v in g.Values)
        {
            if (!v.IsGraphInput && !v.IsGraphOutput)
            {
                Graph.ClearValueInfo(v);
            }
        }

        g.DocString = null;
        copy.DocString = null;
        foreach (Node n in g.Nodes)
        {
            g.ClearDocString(n);
        }

        return copy;
    }

    public static long SerializedSize(Model model) => OnnxExporter.ToProto(model).CalculateSize();

    public static byte[] ToBytes(Model model) => OnnxExporter.ToProto(model).ToByteArray();
}
