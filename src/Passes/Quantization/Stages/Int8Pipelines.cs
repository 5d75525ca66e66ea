// The stages of -O int8 as pipelines of registered passes, so --list-passes, --verify-each, --print-ir-after, --time-passes and --disable-pass reach them.
using Onnxc.Passes.Pipelines;

namespace Onnxc.Passes.Quantization.Stages;

/// <summary>
/// Builds the pass pipelines of INT8 compilation: <see cref="Static"/> for <see cref="Int8Compiler"/>,
/// <see cref="Dynamic"/> for <see cref="DynamicQuantizer"/>; both start with the preparation, which QAT runs alone
/// (<see cref="Preparation"/>) on its copy of the float model before it inserts fake quantization.
/// </summary>
public static class Int8Pipelines
{
    /// <summary>The --list-passes label of the stages that only -O int8 (and -O int8-dynamic) run.</summary>
    public const string Int8 = "-O int8";

    /// <summary>
    /// Float rewrites that make a model quantize well, run before calibration so calibration sees the graph as it
    /// runs. After -O 2 most of them find nothing left to do; they matter for models the float pipeline could not
    /// fully simplify (shapes only ONNX Runtime infers) and when fusions are disabled.
    /// </summary>
    public static PassManager Preparation() => AddPreparation(new PassManager(Int8));

    /// <summary>
    /// Static INT8 (<see cref="Int8Compiler"/>): the preparation, then the stages that need an
    /// <see cref="Int8Session"/> in the context.
    /// </summary>
    public static PassManager Static()
    {
        PassManager pm = AddPreparation(new PassManager(Int8));

        // Static INT8 only (QAT trains the graph and has no gradient for Attention; dynamic INT8 has no QAttention).
        pm.Add(PassRegistry.Get(AttentionFusionStage.StageName));

        // Planning reads the prepared graph's types; calibration observes exactly the tensors the plan names.
        pm.Add(PassRegistry.Get("plan-int8"));
        pm.Add(PassRegistry.Get("calibrate"));

        // Accuracy control changes the plan (layers back to float), so it runs before anything is emitted.
        pm.Add(PassRegistry.Get("control-accuracy"));
        pm.Add(PassRegistry.Get("emit-qdq"));

        // The form of the output: QOperator ops, or the QDQ form with its value-preserving ops on integers.
        pm.Add(PassRegistry.Get("lower-qoperator"));
        pm.Add(PassRegistry.Get("clean-up-qdq"));

        // Last, on exactly what will be written.
        pm.Add(PassRegistry.Get("verify-int8"));
        return pm;
    }

    /// <summary>Dynamic INT8 (<see cref="DynamicQuantizer"/>): the preparation, the rewrite, and the same verification.</summary>
    public static PassManager Dynamic()
    {
        PassManager pm = AddPreparation(new PassManager(DynamicQuantization.DynamicPipeline));
        pm.Add(PassRegistry.Get("quantize-dynamic"));
        pm.Add(PassRegistry.Get("verify-int8"));
        return pm;
    }

    private static PassManager AddPreparation(PassManager pm)
    {
        // Opset 13 first: per-channel Q/DQ need it, and every later stage sees the operators in their opset-13 form.
        pm.Add(PassRegistry.Get("upgrade-opset-for-int8"));

        // A constant reshaped by a Reshape (mnist-8's last weight) must be a plain initializer to be quantized.
        pm.Add(PassRegistry.Get("fold-constants"));

        // The planner needs element types (an INT64 Concat is shape arithmetic) and ranks (MatMul to Gemm).
        pm.Add(PassRegistry.Get("probe-types"));

        // With the types known, bias Adds become Conv and Gemm biases: an int32 bias, not a separately quantized Add.
        pm.Add(PassRegistry.Get("fuse-bias-for-int8"));

        // Size: default attributes and the initializers the folds left behind.
        pm.Add(PassRegistry.Get("remove-default-attributes"));
        pm.Add(PassRegistry.Get("remove-unused-initializers"));
        return pm;
    }
}
