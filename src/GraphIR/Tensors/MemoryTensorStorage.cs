// Tensor bytes held in memory (shared, never copied on export).
namespace Onnxc.GraphIR;

public sealed class MemoryTensorStorage(ReadOnlyMemory<byte> bytes) : TensorStorage
{
    public ReadOnlyMemory<byte> Bytes { get; } = bytes;

    public override long ByteLength => Bytes.Length;
}
