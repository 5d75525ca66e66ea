// Element types a tensor of a lowered plan may have on the device.
namespace Onnxc.Kernels.Runtime;

/// <summary>Storage type of a plan tensor: float32 for float islands, 8-bit bytes for quantized ones.</summary>
public enum PlanElementType : byte
{
    Float32 = 1,
    UInt8 = 2,
    Int8 = 3,
}
