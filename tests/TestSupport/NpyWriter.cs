// Test helper: writes small .npy files (any header version, dtype text and shape) for the reader and command tests.
using System.Globalization;
using System.Text;

namespace Onnxc.TestSupport;

public static class NpyWriter
{
    public static void Write(string path, string descr, long[] shape, byte[] data, int version = 1, bool fortranOrder = false)
    {
        string shapeText = shape.Length == 1
            ? $"({shape[0]},)"
            : "(" + string.Join(", ", shape.Select(d => d.ToString(CultureInfo.InvariantCulture))) + ")";
        string dict = $"{{'descr': '{descr}', 'fortran_order': {(fortranOrder ? "True" : "False")}, 'shape': {shapeText}, }}";
        int prefix = version == 1 ? 10 : 12;

        // NumPy pads the header with spaces so the data starts on a 64-byte boundary, ending in '\n'.
        int total = prefix + dict.Length + 1;
        int padded = (total + 63) / 64 * 64;
        string header = dict + new string(' ', padded - total) + "\n";
        using var stream = File.Create(path);
        stream.Write([0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', (byte)version, 0]);
        byte[] headerBytes = Encoding.UTF8.GetBytes(header);
        if (version == 1)
        {
            stream.Write(BitConverter.GetBytes((ushort)headerBytes.Length));
        }
        else
        {
            stream.Write(BitConverter.GetBytes((uint)headerBytes.Length));
        }

        stream.Write(headerBytes);
        stream.Write(data);
    }

    public static void WriteUInt8(string path, long[] shape, byte[] values, int version = 1) =>
        Write(path, "|u1", shape, values, version);

    public static void WriteFloat32(string path, long[] shape, float[] values, int version = 1) =>
        Write(path, "<f4", shape, values.SelectMany(BitConverter.GetBytes).ToArray(), version);

    public static void WriteInt64(string path, long[] shape, long[] values) =>
        Write(path, "<i8", shape, values.SelectMany(BitConverter.GetBytes).ToArray());
}
