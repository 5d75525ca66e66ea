// Reads and writes float32 .npy files (NumPy format 1.0, C order) for `onnxc run --input/--output`.
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace Onnxc.Kernels.Runtime;

/// <summary>
/// The subset of the .npy format the runtime command needs: little-endian float32 (<c>&lt;f4</c>), C order,
/// version 1.0 or 2.0 headers. Other dtypes are a clear error rather than a silent conversion.
/// </summary>
public static class NpyFloat32
{
    private static readonly byte[] s_magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    public static (int[] Shape, float[] Data) Read(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        if (bytes.Length < 10 || !bytes.AsSpan(0, 6).SequenceEqual(s_magic))
        {
            throw new InvalidDataException($"{path} is not a .npy file");
        }

        int major = bytes[6];
        int headerLength = major == 1 ? BitConverter.ToUInt16(bytes, 8) : BitConverter.ToInt32(bytes, 8);
        int start = major == 1 ? 10 : 12;
        if (start + headerLength > bytes.Length)
        {
            throw new InvalidDataException($"{path}: truncated .npy header");
        }

        string header = Encoding.ASCII.GetString(bytes, start, headerLength);
        if (!header.Contains("'descr': '<f4'", StringComparison.Ordinal))
        {
            throw new InvalidDataException($"{path}: only little-endian float32 arrays are supported, header is {header.Trim()}");
        }

        if (header.Contains("'fortran_order': True", StringComparison.Ordinal))
        {
            throw new InvalidDataException($"{path}: Fortran-order arrays are not supported");
        }

        int open = header.IndexOf("'shape': (", StringComparison.Ordinal);
        int close = open < 0 ? -1 : header.IndexOf(')', open);
        if (close < 0)
        {
            throw new InvalidDataException($"{path}: no shape in the .npy header");
        }

        int[] shape = header[(open + 10)..close]
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(d => int.Parse(d, CultureInfo.InvariantCulture))
            .ToArray();
        long count = shape.Aggregate(1L, (a, d) => a * d);
        int dataStart = start + headerLength;
        if (bytes.Length - dataStart != count * 4)
        {
            throw new InvalidDataException($"{path}: shape ({string.Join(",", shape)}) needs {count * 4} data bytes, the file has {bytes.Length - dataStart}");
        }

        return (shape, MemoryMarshal.Cast<byte, float>(bytes.AsSpan(dataStart)).ToArray());
    }

    public static void Write(string path, int[] shape, float[] data)
    {
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(data);
        if (shape.Aggregate(1L, (a, d) => a * d) != data.Length)
        {
            throw new ArgumentException($"shape ({string.Join(",", shape)}) does not hold {data.Length} values");
        }

        string dims = shape.Length == 1 ? $"{shape[0]}," : string.Join(", ", shape);
        string header = $"{{'descr': '<f4', 'fortran_order': False, 'shape': ({dims}), }}";
        int padded = ((10 + header.Length + 1 + 63) / 64 * 64) - 10;
        header = header.PadRight(padded - 1) + "\n";
        using var stream = File.Create(path);
        stream.Write(s_magic);
        stream.Write([1, 0]);
        stream.Write(BitConverter.GetBytes((ushort)header.Length));
        stream.Write(Encoding.ASCII.GetBytes(header));
        stream.Write(MemoryMarshal.AsBytes(data.AsSpan()));
    }
}
