// The folder layout a bad-input case runs in: the model's folder, a folder outside it, and an empty output folder.
using Onnxc.TestSupport;

namespace Onnxc.Driver.Tests;

/// <summary>
/// root/model holds the input, root/outside a file that external data must not be allowed to reach
/// (secret.bin, 16 bytes, a valid size for the 4-float weight), root/out the place -o points at.
/// </summary>
internal sealed class BadInputFolders : IDisposable
{
    private readonly TempDir _root = new("onnxc-bad-input");

    public BadInputFolders()
    {
        Directory.CreateDirectory(ModelFolder);
        Directory.CreateDirectory(OutsideFolder);
        Directory.CreateDirectory(OutputFolder);
        File.WriteAllBytes(SecretFile, TestModels.RawBytes(TestModels.Weight));
    }

    public string Root => _root.Path;

    public string ModelFolder => Path.Combine(Root, "model");

    public string OutsideFolder => Path.Combine(Root, "outside");

    public string OutputFolder => Path.Combine(Root, "out");

    public string SecretFile => Path.Combine(OutsideFolder, "secret.bin");

    public string OutputPath => Path.Combine(OutputFolder, "out.onnx");

    public string ModelPath(string name = "model.onnx") => Path.Combine(ModelFolder, name);

    public void Dispose() => _root.Dispose();
}
