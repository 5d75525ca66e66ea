// A small integer tensor whose elements are known or symbolic dims: the "shape arithmetic" values of exported models.
using System.Collections.Immutable;

namespace Onnxc.GraphIR.Analysis;

/// <summary>
/// The value of a scalar or 1-D integer tensor as far as it is known: each element a number, a symbolic dim
/// (an element of some tensor's shape) or unknown. Shape(x) of x:[N,3] is [N,3]; Gather(_, 0) of that is the
/// scalar N; a Reshape reading it then gets dimension N.
/// </summary>
internal sealed record ShapeValue(ImmutableArray<Dim> Items, bool IsScalar)
{
    /// <summary>The largest shape value tracked; bigger integer tensors are not shape arithmetic.</summary>
    public const int MaxItems = 64;

    public int Count => Items.Length;

    public bool AllKnown => Items.All(d => d.IsKnown);

    public long[]? Known => AllKnown ? [.. Items.Select(d => d.Value!.Value)] : null;

    public static ShapeValue Of(IEnumerable<long> values, bool isScalar) => new([.. values.Select(Dim.Of)], isScalar);

    public bool Equals(ShapeValue? other) => other is not null && IsScalar == other.IsScalar && Items.SequenceEqual(other.Items);

    public override int GetHashCode() => HashCode.Combine(Items.Length, IsScalar);
}
