// Float rewrites that make a model quantize well, run before calibration so calibration sees the graph as it runs.
using Onnxc.Passes.Quantization.Stages;

namespace Onnxc.Passes.Quantization;

/// <summary>
/// Prepares a float model for INT8 by running <see cref="Int8Pipelines.Preparation"/>: opset 13, constant folding,
/// element types from <see cref="TypeProbe"/>, Conv/MatMul bias Adds folded into Conv and Gemm biases (the -O 2
/// rules fuse-conv-add and fuse-matmul-add-to-gemm), default attributes and unused initializers removed.
/// </summary>
public static class QuantizationPreparation
{
    /// <summary>Prepares <paramref name="model"/> in place; <paramref name="context"/> carries the user's pass options (null for the defaults).</summary>
    public static PassRunReport Run(Model model, PassContext? context = null) =>
        Int8Pipelines.Preparation().Run(model, context ?? new PassContext());
}
