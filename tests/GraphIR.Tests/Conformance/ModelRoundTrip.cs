// The round trip under test: OnnxImporter.Load, then OnnxExporter.Save to another folder.
using Onnxc.GraphIR.Onnx;

namespace Onnxc.GraphIR.Tests.Conformance;

public static class ModelRoundTrip
{
    /// <summary>Loads <paramref name="modelPath"/> and saves it as <c>model.onnx</c> in <paramref name="folder"/>; returns the new path.</summary>
    public static string Run(string modelPath, string folder, OnnxSaveOptions? options = null)
    {
        Model model = OnnxImporter.Load(modelPath);
        string output = Path.Combine(folder, "model.onnx");
        OnnxExporter.Save(model, output, options);
        return output;
    }
}
