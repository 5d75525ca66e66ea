// An immutable tensor shape: a list of dimensions, each known, symbolic or unknown.
using System.Collections.Immutable;

namespace Onnxc.GraphIR;

public sealed record TensorShape
{
    public TensorShape(ImmutableArray<Dim> dims) => Dims = dims.IsDefault ? [] : dims;

    public TensorShape(params long[] dims) : this([.. dims.Select(Dim.Of)])
    {
    }

    public static TensorShape Scalar { get; } = new(ImmutableArray<Dim>.Empty);

    public ImmutableArray<Dim> Dims { get; }

    public int Rank => Dims.Length;

    public Dim this[int index] => Dims[index];

    /// <summary>True when every dimension is a known number.</summary>
    public bool IsStatic => Dims.All(d => d.IsKnown);

    /// <summary>The dimensions as numbers; throws unless <see cref="IsStatic"/>.</summary>
    public long[] ToArray() => [.. Dims.Select(d => d.Value ?? throw new InvalidOperationException($"shape {this} is not static"))];

    /// <summary>The element count when static (checked against overflow), else null.</summary>
    public long? ElementCount
    {
        get
        {
            long n = 1;
            foreach (Dim d in Dims)
            {
                if (d.Value is not long v)
                {
                    return null;
                }

                n = checked(n * v);
            }

            return n;
        }
    }

    public bool Equals(TensorShape? other) =>
        other is not null && Dims.SequenceEqual(other.Dims);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (Dim d in Dims)
        {
            hash.Add(d);
        }

        return hash.ToHashCode();
    }

    public override string ToString() => "[" + string.Join(",", Dims) + "]";
}
