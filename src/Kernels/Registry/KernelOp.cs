// The quantized operations the kernel library implements.
namespace Onnxc.Kernels.Registry;

public enum KernelOp
{
    /// <summary>Conv, including grouped and depthwise (implicit GEMM).</summary>
    Conv,

    /// <summary>Gemm/MatMul with constant weights (the 1 x 1 convolution kernel).</summary>
    Gemm,
    MaxPool,
    AveragePool,
    GlobalAveragePool,
    Add,
    Concat,
    QuantizeLinear,
    DequantizeLinear,
}
