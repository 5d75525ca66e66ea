// An immutable node attribute: a name, a kind and the value of that kind.
using System.Collections.Immutable;
using System.Globalization;
using Google.Protobuf;

namespace Onnxc.GraphIR;

/// <summary>
/// A node attribute. Exactly the member matching <see cref="Kind"/> is meaningful. Subgraph attributes hold IR
/// graphs (<see cref="Graph"/>); sparse tensors are kept as their serialized ONNX message, which passes never edit.
/// A reference attribute inside a function body has <see cref="RefAttrName"/> set instead of a value.
/// </summary>
public sealed record NodeAttribute(string Name, AttributeKind Kind)
{
    public float F { get; init; }

    public long I { get; init; }

    public ByteString S { get; init; } = ByteString.Empty;

    public TensorData? T { get; init; }

    public Graph? G { get; init; }

    public IrType? Tp { get; init; }

    public ImmutableArray<float> Floats { get; init; } = [];

    public ImmutableArray<long> Ints { get; init; } = [];

    public ImmutableArray<ByteString> Strings { get; init; } = [];

    public ImmutableArray<TensorData> Tensors { get; init; } = [];

    public ImmutableArray<Graph> Graphs { get; init; } = [];

    public ImmutableArray<IrType> TypeProtos { get; init; } = [];

    /// <summary>Serialized SparseTensorProto messages (one for SPARSE_TENSOR, several for SPARSE_TENSORS).</summary>
    public ImmutableArray<ByteString> SparseTensors { get; init; } = [];

    public string? RefAttrName { get; init; }

    public string? DocString { get; init; }

    public ReadOnlyMemory<byte> UnknownFields { get; init; }

    /// <summary>The string value decoded as UTF-8 (ONNX strings are bytes).</summary>
    public string StringValue => S.ToStringUtf8();

    public static NodeAttribute Of(string name, long value) => new(name, AttributeKind.Int) { I = value };

    public static NodeAttribute Of(string name, float value) => new(name, AttributeKind.Float) { F = value };

    public static NodeAttribute Of(string name, string value) =>
        new(name, AttributeKind.String) { S = ByteString.CopyFromUtf8(value) };

    public static NodeAttribute Of(string name, TensorData value) => new(name, AttributeKind.Tensor) { T = value };

    public static NodeAttribute Of(string name, params long[] values) =>
        new(name, AttributeKind.Ints) { Ints = [.. values] };

    public static NodeAttribute Of(string name, params float[] values) =>
        new(name, AttributeKind.Floats) { Floats = [.. values] };

    public override string ToString() => Kind switch
    {
        AttributeKind.Float => $"{Name}={F.ToString("R", CultureInfo.InvariantCulture)}",
        AttributeKind.Int => $"{Name}={I}",
        AttributeKind.String => $"{Name}=\"{StringValue}\"",
        AttributeKind.Ints => $"{Name}=[{string.Join(",", Ints)}]",
        AttributeKind.Floats => $"{Name}=[{string.Join(",", Floats.Select(f => f.ToString("R", CultureInfo.InvariantCulture)))}]",
        AttributeKind.Tensor => $"{Name}={T}",
        _ => $"{Name}:{Kind}",
    };
}
