// How quantization is written into the ONNX graph.
namespace Onnxc.Passes.Quantization;

public enum QuantFormat
{
    /// <summary>Float ops between QuantizeLinear/DequantizeLinear pairs; ORT fuses them into integer kernels.</summary>
    Qdq,

    /// <summary>Integer operators: QLinearConv, QLinearMatMul and com.microsoft QLinear* where needed.</summary>
    QOperator,
}
