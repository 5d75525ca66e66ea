// Ranges and signed-domain mapping of the 8-bit quantized element types.
namespace Onnxc.Kernels.Quantization;

/// <summary>Helpers on <see cref="QuantElementType"/>.</summary>
public static class QuantElementTypes
{
    /// <summary>Smallest representable value.</summary>
    public static int MinValue(this QuantElementType type) => type == QuantElementType.Int8 ? -128 : 0;

    /// <summary>Largest representable value.</summary>
    public static int MaxValue(this QuantElementType type) => type == QuantElementType.Int8 ? 127 : 255;

    /// <summary>XOR applied to a stored byte to reach the signed domain (0x80 for uint8, else 0).</summary>
    public static int SignFlip(this QuantElementType type) => type == QuantElementType.UInt8 ? 0x80 : 0;

    /// <summary>A zero point moved into the signed domain (z - 128 for uint8).</summary>
    public static int ToSignedDomain(this QuantElementType type, int zeroPoint) =>
        type == QuantElementType.UInt8 ? zeroPoint - 128 : zeroPoint;

    /// <summary>Reads a stored byte as its value in the element type.</summary>
    public static int Decode(this QuantElementType type, byte stored) =>
        type == QuantElementType.Int8 ? (sbyte)stored : stored;

    /// <summary>Stores a value already inside the type's range.</summary>
    public static byte Encode(this QuantElementType type, int value) => unchecked((byte)value);
}
