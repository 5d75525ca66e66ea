// Streams tensor bytes into the external data file that sits beside an exported model.
namespace Onnxc.GraphIR.Onnx;

/// <summary>
/// Appends tensors to one data file, each at an aligned offset (4 KiB for large tensors, so runtimes can map them).
/// Tensors already on disk are copied file to file in chunks; none is held in memory whole.
/// </summary>
internal sealed class ExternalDataWriter : IDisposable
{
    private const long LargeTensorBytes = 1 << 20;
    private readonly FileStream _stream;
    private readonly long _threshold;
    private readonly bool _keepExternalOnly;

    /// <param name="path">The temporary file written now (renamed into place by the exporter).</param>
    /// <param name="location">The location written in the model: the final file's name.</param>
    /// <param name="threshold">Tensors at least this large go external.</param>
    /// <param name="externalOnly">Only tensors that are external in the source go external (Auto mode under 2 GiB).</param>
    public ExternalDataWriter(string path, string location, long threshold, bool externalOnly)
    {
        _stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);
        Location = location;
        _threshold = threshold;
        _keepExternalOnly = externalOnly;
    }

    public string Location { get; }

    public long BytesWritten => _stream.Length;

    public bool Accepts(TensorData data) =>
        data.Storage.ByteLength >= _threshold && (!_keepExternalOnly || data.IsExternal);

    public (string Location, long Offset, long Length) Write(TensorData data)
    {
        long alignment = data.Storage.ByteLength >= LargeTensorBytes ? 4096 : 64;
        long offset = (_stream.Position + alignment - 1) / alignment * alignment;
        while (_stream.Position < offset)
        {
            _stream.WriteByte(0);
        }

        switch (data.Storage)
        {
            case ExternalTensorStorage e:
                e.CopyTo(_stream);
                break;
            case MemoryTensorStorage m:
                _stream.Write(m.Bytes.Span);
                break;
            default:
                throw new InvalidOperationException("string tensors cannot be stored externally");
        }

        return (Location, offset, data.Storage.ByteLength);
    }

    public void Dispose() => _stream.Dispose();
}
