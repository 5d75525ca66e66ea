// Where a tensor's bytes live: in memory, in an external data file, or as a list of strings.
namespace Onnxc.GraphIR;

/// <summary>
/// The payload of a <see cref="TensorData"/>. Fixed-size element types are stored as ONNX <c>raw_data</c> bytes
/// (little-endian, sub-byte types packed low nibble first); STRING tensors as byte strings.
/// </summary>
public abstract class TensorStorage
{
    private protected TensorStorage()
    {
    }

    /// <summary>The number of payload bytes (for strings, the sum of their lengths).</summary>
    public abstract long ByteLength { get; }
}
