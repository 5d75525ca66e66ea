// A small integer tensor whose elements are known or symbolic dims: the "shape arithmetic" values of exported models.
using System.Collections.Immutable;

namespace Onnxc.GraphIR.Analysis;

/// <summary>
/// The value of a small integer tensor as far as it is known, in row-major order: each element a number, a
/// symbolic dim (an element of some tensor's shape) or unknown. Shape(x) of x:[N,3] is [N,3]; Gather(_, 0) of that
/// is the scalar N; a Reshape reading it then gets dimension N. Mostly scalars and vectors; exporters also build
/// pads through 2-D reshapes and transposes, so any rank is kept.
/// </summary>
internal sealed record ShapeValue(ImmutableArray<Dim> Items, ImmutableArray<long> Dims)
{
    /// <summary>The largest shape value tracked; bigger integer tensors are not shape arithmetic.</summary>
    public const int MaxItems = 64;

    public int Count => Items.Length;

    public bool IsScalar => Dims.Length == 0;

    public bool IsVector => Dims.Length == 1;

    public bool AllKnown => Items.All(d => d.IsKnown);

    public long[]? Known => AllKnown ? [.. Items.Select(d => d.Value!.Value)] : null;

    public static ShapeValue Vector(IEnumerable<Dim> items)
    {
        ImmutableArray<Dim> array = [.. items];
        return new ShapeValue(array, [array.Length]);
    }

    public static ShapeValue Scalar(Dim item) => new([item], []);

    public static ShapeValue Of(IEnumerable<long> values, ImmutableArray<long> dims) => new([.. values.Select(Dim.Of)], dims);

    public bool Equals(ShapeValue? other) =>
        other is not null && Dims.SequenceEqual(other.Dims) && Items.SequenceEqual(other.Items);

    public override int GetHashCode() => HashCode.Combine(Items.Length, Dims.Length);
}
