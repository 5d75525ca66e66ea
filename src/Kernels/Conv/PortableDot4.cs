// The portable four-lane int8 dot product: plain shifts and multiplies, valid on every accelerator.
namespace Onnxc.Kernels.Conv;

/// <summary>Portable <see cref="IDot4"/>; the reference the dp4a and tensor-core paths must match.</summary>
public readonly struct PortableDot4 : IDot4
{
    public int Dot(int a, int b, int c) => Compute(a, b, c);

    /// <summary>Static form for helpers that are not generic over <see cref="IDot4"/>.</summary>
    public static int Compute(int a, int b, int c) =>
        c
        + ((sbyte)a * (sbyte)b)
        + ((sbyte)(a >> 8) * (sbyte)(b >> 8))
        + ((sbyte)(a >> 16) * (sbyte)(b >> 16))
        + ((a >> 24) * (b >> 24));
}
