// A temporary folder that a test owns and that is removed when the test ends.
namespace Onnxc.TestSupport;

public sealed class TempDir : IDisposable
{
    public TempDir(string prefix = "onnxc-test")
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"{prefix}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A file still open on some platform: leave it to the OS's temp cleanup.
        }
    }
}
