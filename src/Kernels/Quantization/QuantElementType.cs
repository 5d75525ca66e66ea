// The 8-bit integer element types a quantized tensor may have.
namespace Onnxc.Kernels.Quantization;

/// <summary>
/// Storage type of a quantized tensor. Kernels keep every 8-bit tensor as raw bytes and work in the
/// signed domain: a uint8 value u maps to the int8 value u - 128 (flipping the top bit), with its zero
/// point shifted the same way, so <c>(u - z) == ((u ^ 0x80) - (z - 128))</c> exactly.
/// </summary>
public enum QuantElementType
{
    /// <summary>Signed 8-bit, range [-128, 127] (ONNX INT8).</summary>
    Int8,

    /// <summary>Unsigned 8-bit, range [0, 255] (ONNX UINT8; ORT's QDQ default for activations).</summary>
    UInt8,
}
