// A value ONNX Runtime takes or returns: a tensor, a sequence of tensors, or an optional (present or absent).
using System.Collections.Immutable;

namespace Onnxc.TestSupport;

/// <summary>
/// An input or output of an ONNX Runtime run that need not be a dense tensor. A sequence holds tensors (the only
/// sequences the ONNX backend suite feeds or expects); an optional holds a tensor or a sequence, or nothing.
/// Equality is bit equality all the way down: two sequences are equal when they have the same length and every
/// element tensor is bit-equal; an absent optional equals only another absent optional.
/// </summary>
public sealed class OrtData
{
    private OrtData(OrtDataKind kind, OrtTensor? tensor, ImmutableArray<OrtTensor> elements, OrtData? contained)
    {
        Kind = kind;
        Tensor = tensor;
        Elements = elements;
        Contained = contained;
    }

    public OrtDataKind Kind { get; }

    /// <summary>The tensor of a <see cref="OrtDataKind.Tensor"/>; null otherwise.</summary>
    public OrtTensor? Tensor { get; }

    /// <summary>The element tensors of a <see cref="OrtDataKind.Sequence"/>, in order; empty otherwise.</summary>
    public ImmutableArray<OrtTensor> Elements { get; }

    /// <summary>What an <see cref="OrtDataKind.Optional"/> holds (a tensor or a sequence); null when absent or not an optional.</summary>
    public OrtData? Contained { get; }

    public static OrtData Of(OrtTensor tensor) => new(OrtDataKind.Tensor, tensor, [], null);

    public static OrtData SequenceOf(IEnumerable<OrtTensor> elements) => new(OrtDataKind.Sequence, null, [.. elements], null);

    /// <summary>An optional holding <paramref name="contained"/>, or an absent one when it is null.</summary>
    public static OrtData OptionalOf(OrtData? contained)
    {
        if (contained is { Kind: OrtDataKind.Optional })
        {
            throw new ArgumentException("an optional cannot hold an optional");
        }

        return new(OrtDataKind.Optional, null, [], contained);
    }

    /// <summary>Whether kind, and every tensor inside, are the same to the bit.</summary>
    public bool BitEquals(OrtData other) => DescribeDifference(other) is null;

    /// <summary>Null when <see cref="BitEquals"/>; otherwise a one-line account of the first difference.</summary>
    public string? DescribeDifference(OrtData other)
    {
        if (Kind != other.Kind)
        {
            return $"{this} vs {other}";
        }

        switch (Kind)
        {
            case OrtDataKind.Tensor:
                return Tensor!.DescribeDifference(other.Tensor!);
            case OrtDataKind.Sequence:
                if (Elements.Length != other.Elements.Length)
                {
                    return $"{this} vs {other}";
                }

                for (int i = 0; i < Elements.Length; i++)
                {
                    if (Elements[i].DescribeDifference(other.Elements[i]) is { } d)
                    {
                        return $"sequence element {i}: {d}";
                    }
                }

                return null;
            default:
                if (Contained is null || other.Contained is null)
                {
                    return Contained is null && other.Contained is null ? null : $"{this} vs {other}";
                }

                return Contained.DescribeDifference(other.Contained) is { } inner ? "optional value: " + inner : null;
        }
    }

    public override string ToString() => Kind switch
    {
        OrtDataKind.Tensor => Tensor!.ToString(),
        OrtDataKind.Sequence => $"sequence({Elements.Length})[{string.Join(", ", Elements)}]",
        _ => Contained is null ? "optional(absent)" : $"optional({Contained})",
    };
}
