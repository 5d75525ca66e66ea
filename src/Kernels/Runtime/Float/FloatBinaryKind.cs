// The float binary operations the fallback kernels implement (with ONNX broadcasting).
namespace Onnxc.Kernels.Runtime.Float;

public enum FloatBinaryKind
{
    Add = 0,
    Sub = 1,
    Mul = 2,
    Div = 3,
    Max = 4,
    Min = 5,
}
