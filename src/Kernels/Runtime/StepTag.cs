// The serialized tag that says which step record follows in a plan file.
namespace Onnxc.Kernels.Runtime;

internal enum StepTag : byte
{
    Conv = 1,
    MaxPool = 2,
    AveragePool = 3,
    Add = 4,
    Concat = 5,
    Quantize = 6,
    Dequantize = 7,
    StridedCopy = 20,
    FloatUnary = 21,
    FloatBinary = 22,
    Softmax = 23,
    FloatGemm = 24,
    FloatConv = 25,
    FloatPool = 26,
    Constant = 27,
}
