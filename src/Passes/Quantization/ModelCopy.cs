// Deep copies of IR models (through ONNX), keeping the element types the type probe recorded.
using Google.Protobuf;
using Onnxc.GraphIR;
using Onnxc.GraphIR.Onnx;

namespace Onnxc.Passes.Quantization;

internal static class ModelCopy
{
    public static Model Clone(Model model)
    {
        Model copy = OnnxImporter.FromProto(OnnxExporter.ToProto(model));
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
