// Writes small NumPy .npy files (format 1.0, C order, little-endian) for tests of the data readers and commands.
using System.Text;

namespace Onnxc.TestSupport;

public static class NpyFile
{
    /// <summary>Writes <paramref name="data"/> as an array of <paramref name="descr"/> ('|u1', '&lt;f4', '&lt;i8', ...) and <paramref name="shape"/>.</summary>
    public static void Write(string path, string descr, ReadOnlySpan<long> shape, ReadOnlySpan<byte> data)
    {
        string dims = shape.Length == 1 ? $"({shape[0]},)" : "(" + string.Join(", ", shape.ToArray()) + ")";
        string header = $"{{'descr': '{descr}', 'fortran_order': False, 'shape': {dims}, }}";
        int unpadded = 10 + header.Length + 1;
        header = header.PadRight(header.Length + ((64 - (unpadded % 64)) % 64)) + "\n";
        using FileStream file = File.Create(path);
        file.Write([0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0]);
        file.Write(BitConverter.GetBytes((ushort)header.Length));
        file.Write(Encoding.ASCII.GetBytes(header));
        file.Write(data);
    }

    public static void WriteFloats(string path, ReadOnlySpan<long> shape, ReadOnlySpan<float> data) =>
        Write(path, "<f4", shape, System.Runtime.InteropServices.MemoryMarshal.AsBytes(data));
}
