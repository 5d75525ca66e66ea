// One dimension of a shape: a known size, a symbolic name, or unknown.
namespace Onnxc.GraphIR;

/// <summary>A dimension: <see cref="Value"/> when known, <see cref="Param"/> when symbolic, neither when unknown.</summary>
public readonly record struct Dim(long? Value, string? Param = null, string? Denotation = null)
{
    public static Dim Unknown => default;

    public static Dim Of(long value) => new(value);

    public static Dim Symbol(string name) => new(null, name);

    public bool IsKnown => Value.HasValue;

    public override string ToString() => Value?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? Param ?? "?";

    public static implicit operator Dim(long value) => new(value);
}
