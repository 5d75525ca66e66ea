// The float unary operations the fallback kernels implement.
namespace Onnxc.Kernels.Runtime.Float;

public enum FloatUnaryKind
{
    Relu = 0,
    Clip = 1,
    Sigmoid = 2,
    Tanh = 3,
    Exp = 4,
    LeakyRelu = 5,
    Neg = 6,
    Abs = 7,
    Sqrt = 8,
}
