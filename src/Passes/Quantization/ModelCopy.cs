// Deep copies of IR models (through ONNX), keeping the element types the type probe recorded.
using Google.Protobuf;
using Onnxc.GraphIR;
using Onnxc.GraphIR.Onnx;

namespace Onnxc.Passes.Quantization;

internal static class ModelCopy
{
    /// <summary>
    /// A copy without value_info entries and doc strings: they are descriptive only, and in a small model
    /// (mnist-8) they cost as much as the INT8 weights.
    /// </summary>
    public static Model Clone(Model model)
    {
        ModelProto proto = OnnxExporter.ToProto(model);
        proto.Graph.ValueInfo.Clear();
        proto.Graph.ClearDocString();
        proto.ClearDocString();
        foreach (NodeProto n in proto.Graph.Node)
        {
            // Cleared, not set to "": an empty string is still written (the fields are optional, with presence).
            n.ClearDocString();
        }

        Model copy = OnnxImporter.FromProto(proto);
        foreach (Value v in model.Graph.Values)
        {
            if (v.Type is not null && copy.Graph.FindValue(v.Name) is { Type: null } c)
            {
                Graph.SetType(c, v.Type);
            }
        }

        return copy;
    }

    public static long SerializedSize(Model model) => OnnxExporter.ToProto(model).CalculateSize();

    public static byte[] ToBytes(Model model) => OnnxExporter.ToProto(model).ToByteArray();
}
