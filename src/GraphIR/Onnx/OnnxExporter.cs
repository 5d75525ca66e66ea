// Writes the IR as ONNX files.
namespace Onnxc.GraphIR.Onnx;

public static partial class OnnxExporter
{
    /// <summary>Writes <paramref name="model"/> to <paramref name="path"/> through a temporary file and a rename.</summary>
    public static void Save(Model model, string path, OnnxSaveOptions? options = null) =>
        throw new NotImplementedException("being written");

    /// <summary>The model as a ModelProto with all tensor data inline.</summary>
    public static ModelProto ToProto(Model model) => throw new NotImplementedException("being written");
}
