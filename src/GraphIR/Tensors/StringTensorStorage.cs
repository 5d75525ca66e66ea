// The elements of a STRING tensor, as byte strings.
using System.Collections.Immutable;

namespace Onnxc.GraphIR;

public sealed class StringTensorStorage(ImmutableArray<ReadOnlyMemory<byte>> strings) : TensorStorage
{
    public ImmutableArray<ReadOnlyMemory<byte>> Strings { get; } = strings;

    public override long ByteLength => Strings.Sum(s => (long)s.Length);
}
