// The type of a value: a tensor, sparse tensor, sequence, map or optional (ONNX TypeProto).
namespace Onnxc.GraphIR;

/// <summary>The type of a value. Immutable; compare with ==.</summary>
public abstract record IrType
{
    /// <summary>ONNX's optional type denotation (e.g. IMAGE); kept for lossless round trips.</summary>
    public string? Denotation { get; init; }
}
