// Which ops have an INT8 rule and what kind: the table the planner reads.
namespace Onnxc.Passes.Quantization;

/// <summary>How an op is quantized.</summary>
public enum OpRule
{
    /// <summary>No rule: stays float.</summary>
    None,

    /// <summary>Conv, Gemm, MatMul: int8 weights (per channel), int32 bias, own output range.</summary>
    Weighted,

    /// <summary>Add, Mul, Concat, AveragePool, GlobalAveragePool, Sigmoid, HardSigmoid, LeakyRelu: own output range.</summary>
    OwnRange,

    /// <summary>Reshape, Flatten, Transpose, Squeeze, Unsqueeze, Slice, Pad, Gather, MaxPool, Resize: output shares the input's parameters.</summary>
    SharesInput,

    /// <summary>Relu, Clip: folded into the producer's range when it is quantized, else own range.</summary>
    Activation,

    /// <summary>Softmax and normalizations: float unless asked for.</summary>
    FloatByPolicy,
}

/// <summary>The op table.</summary>
public static class OpRules
{
    public static OpRule Of(string opType) => opType switch
    {
        "Conv" or "Gemm" or "MatMul" => OpRule.Weighted,
        "Add" or "Mul" or "Concat" or "AveragePool" or "GlobalAveragePool" or "Sigmoid" or "HardSigmoid" or "LeakyRelu" => OpRule.OwnRange,
        "Reshape" or "Flatten" or "Transpose" or "Squeeze" or "Unsqueeze" or "Slice" or "Pad" or "Gather" or "MaxPool" or "Resize" => OpRule.SharesInput,
        "Relu" or "Clip" => OpRule.Activation,
        "Softmax" or "LogSoftmax" or "BatchNormalization" or "LayerNormalization" or "InstanceNormalization"
            or "GroupNormalization" or "LRN" or "LpNormalization" => OpRule.FloatByPolicy,
        _ => OpRule.None,
    };

    /// <summary>The inputs that carry activations to quantize (the rest are shapes, indices, scales, axes).</summary>
    public static IEnumerable<int> DataInputs(string opType, int inputCount) => opType switch
    {
        "Conv" or "Gemm" => [0],
        "MatMul" or "Add" or "Mul" => [0, 1],
        "Concat" => Enumerable.Range(0, inputCount),
        _ => [0],
    };
}
