// .npy float32 files written by the runtime read back identically; other dtypes are rejected clearly.
using Onnxc.Kernels.Runtime;
using Onnxc.TestSupport;

namespace Onnxc.Kernels.Tests.Runtime;

public class NpyFloat32Tests
{
    [Fact]
    public void WriteThenReadRoundTrips()
    {
        using var dir = new TempDir();
        string path = dir.File("a.npy");
        float[] data = Enumerable.Range(0, 24).Select(i => (i * 0.37f) - 3).ToArray();
        NpyFloat32.Write(path, [2, 3, 4], data);
        var (shape, read) = NpyFloat32.Read(path);
        Assert.Equal([2, 3, 4], shape);
        Assert.Equal(data, read);
        Assert.Equal(0, (new FileInfo(path).Length - (24 * 4)) % 64);
    }

    [Fact]
    public void NonFloatArraysAreRejected()
    {
        using var dir = new TempDir();
        string path = dir.File("b.npy");
        NpyFloat32.Write(path, [3], [1, 2, 3]);
        byte[] bytes = File.ReadAllBytes(path);
        int at = System.Text.Encoding.ASCII.GetString(bytes).IndexOf("<f4", StringComparison.Ordinal);
        bytes[at + 1] = (byte)'i';
        File.WriteAllBytes(path, bytes);
        var error = Assert.Throws<InvalidDataException>(() => NpyFloat32.Read(path));
        Assert.Contains("only little-endian float32", error.Message, StringComparison.Ordinal);
    }
}
