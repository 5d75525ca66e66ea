// Reads ONNX files into the IR.
using Onnxc.GraphIR.Onnx;

namespace Onnxc.GraphIR.Onnx;

public static partial class OnnxImporter
{
    /// <summary>Loads a model file; external data stays on disk until read. Throws <see cref="InvalidModelException"/>.</summary>
    public static Model Load(string path) => throw new NotImplementedException("being written");

    /// <summary>Converts a parsed ModelProto; <paramref name="baseDirectory"/> resolves external data.</summary>
    public static Model FromProto(ModelProto proto, string? baseDirectory = null, string? filePath = null) =>
        throw new NotImplementedException("being written");
}
