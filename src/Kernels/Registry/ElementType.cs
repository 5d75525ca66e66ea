// Element types that appear in kernel keys.
namespace Onnxc.Kernels.Registry;

public enum ElementType
{
    Float32,
    Int8,
    UInt8,
}
