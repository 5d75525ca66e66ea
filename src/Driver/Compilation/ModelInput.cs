// Reads a model the user named: importer checks, then the verifier, with every failure naming the file.
using Onnxc.GraphIR;
using Onnxc.GraphIR.Onnx;
using Onnxc.GraphIR.Verification;

namespace Onnxc.Compilation;

/// <summary>Loads models the way every onnxc job does: importer checks, then the verifier.</summary>
public static class ModelInput
{
    /// <summary>
    /// Loads and verifies <paramref name="path"/>. Throws <see cref="InvalidModelException"/> (exit 2) for a
    /// missing file, a folder, a file the importer rejects or a model the verifier rejects, and
    /// <see cref="FileAccessException"/> (exit 2) when the file exists but cannot be read.
    /// </summary>
    public static Model LoadVerified(string path)
    {
        // Checked here rather than left to the importer so that the most common mistakes read the same
        // whatever the importer's I/O layer would have said.
        if (Directory.Exists(path))
        {
            throw new InvalidModelException("is a directory, not a model file", path);
        }

        if (!File.Exists(path))
        {
            throw new InvalidModelException("no such file", path);
        }

        Model model;
        try
        {
            model = OnnxImporter.Load(path);
        }
        catch (InvalidModelException e)
        {
            throw e.InFile(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new FileAccessException($"{path}: cannot read: {e.Message}", e);
        }

        Verifier.Verify(model, path);
        return model;
    }
}
