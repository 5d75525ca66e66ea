// Writes NumPy .npy (format version 1.0) files for the uint8 images and int64 labels.
using System.Buffers.Binary;
using System.Text;

namespace Onnxc.ModelMaker;

/// <summary>
/// Layout: the magic "\x93NUMPY", version bytes 1 0, a little-endian uint16 header length, then an ASCII Python dict
/// literal padded with spaces and ended by '\n' so that the data starts at a multiple of 64 bytes, then the raw
/// C-order data.
/// </summary>
internal static class NpyWriter
{
    public static void WriteUInt8(string path, ReadOnlySpan<byte> data, params int[] shape)
    {
        CheckCount(data.Length, shape);
        using var stream = File.Create(path);
        WriteHeader(stream, "|u1", shape);
        stream.Write(data);
    }

    public static void WriteInt64(string path, ReadOnlySpan<long> data, params int[] shape)
    {
        CheckCount(data.Length, shape);
        using var stream = File.Create(path);
        WriteHeader(stream, "<i8", shape);
        var bytes = new byte[data.Length * sizeof(long)];
        for (int i = 0; i < data.Length; i++)
        {
            BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(i * sizeof(long)), data[i]);
        }

        stream.Write(bytes);
    }

    private static void CheckCount(int length, int[] shape)
    {
        long expected = 1;
        foreach (int dim in shape)
        {
            expected *= dim;
        }

        if (expected != length)
        {
            throw new ArgumentException($"{length} elements do not fill shape ({string.Join(", ", shape)})");
        }
    }

    private static void WriteHeader(Stream stream, string descr, int[] shape)
    {
        // A one-element tuple needs its trailing comma in Python syntax.
        string dims = shape.Length == 1 ? $"{shape[0]}," : string.Join(", ", shape);
        string dict = $"{{'descr': '{descr}', 'fortran_order': False, 'shape': ({dims}), }}";
        const int preamble = 10; // magic (6) + version (2) + header length (2)
        int padded = (preamble + dict.Length + 1 + 63) / 64 * 64;
        string header = dict.PadRight(padded - preamble - 1) + "\n";

        Span<byte> start = stackalloc byte[preamble];
        start[0] = 0x93;
        Encoding.ASCII.GetBytes("NUMPY", start[1..6]);
        start[6] = 1;
        start[7] = 0;
        BinaryPrimitives.WriteUInt16LittleEndian(start[8..], (ushort)header.Length);
        stream.Write(start);
        stream.Write(Encoding.ASCII.GetBytes(header));
    }
}
