// Tensor bytes that stay in an external data file until they are needed.
namespace Onnxc.GraphIR;

/// <summary>
/// A range of an external data file, read lazily. Exporting copies the range file to file in chunks, so a model
/// whose weights exceed memory still round-trips with no copy of the weights held at once.
/// </summary>
public sealed class ExternalTensorStorage : TensorStorage
{
    public ExternalTensorStorage(string filePath, long offset, long length, string location, string? checksum)
    {
        FilePath = filePath;
        Offset = offset;
        Length = length;
        Location = location;
        Checksum = checksum;
    }

    /// <summary>The resolved, absolute path of the data file.</summary>
    public string FilePath { get; }

    public long Offset { get; }

    public long Length { get; }

    /// <summary>The <c>location</c> as written in the model, relative to the model's folder.</summary>
    public string Location { get; }

    public string? Checksum { get; }

    public override long ByteLength => Length;

    /// <summary>Reads the whole range into memory. Only for tensors that fit in an array.</summary>
    public byte[] ReadAll()
    {
        if (Length > Array.MaxLength)
        {
            throw new InvalidOperationException($"external tensor of {Length} bytes in {Location} does not fit in memory at once");
        }

        var buffer = new byte[Length];
        using var stream = new FileStream(FilePath, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.None);
        stream.Seek(Offset, SeekOrigin.Begin);
        stream.ReadExactly(buffer);
        return buffer;
    }

    /// <summary>Copies the range to <paramref name="destination"/> in bounded chunks.</summary>
    public void CopyTo(Stream destination)
    {
        using var stream = new FileStream(FilePath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        stream.Seek(Offset, SeekOrigin.Begin);
        var chunk = new byte[1 << 20];
        long left = Length;
        while (left > 0)
        {
            int n = (int)Math.Min(chunk.Length, left);
            stream.ReadExactly(chunk, 0, n);
            destination.Write(chunk, 0, n);
            left -= n;
        }
    }
}
