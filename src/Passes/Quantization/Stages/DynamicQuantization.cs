// quantize-dynamic: the stage of -O int8-dynamic that rewrites MatMul and Gemm to DynamicQuantizeMatMul.
namespace Onnxc.Passes.Quantization.Stages;

/// <summary>
/// quantize-dynamic: every MatMul and Gemm with constant float weights becomes com.microsoft DynamicQuantizeMatMul
/// with int8 weights (<see cref="DynamicQuantizer"/>). The prepared float model is kept in the
/// <see cref="DynamicInt8Session"/> first, as the reference verify-int8 compares against.
/// </summary>
public sealed class DynamicQuantization : Int8Pass
{
    /// <summary>The --list-passes label of the stage only -O int8-dynamic runs.</summary>
    public const string DynamicPipeline = "-O int8-dynamic";

    public override string Name => "quantize-dynamic";

    public override string Description => "MatMul and Gemm with constant weights become DynamicQuantizeMatMul: int8 weights per column, activations quantized at run time";

    public override string Pipeline => DynamicPipeline;

    public override bool CanBeDisabled => false;

    public override void Run(Model model, PassContext context)
    {
        DynamicInt8Session session = context.GetService<DynamicInt8Session>();
        session.Float = ModelCopy.Clone(model);
        session.Decisions = DynamicQuantizer.Quantize(model, session.Options);
    }
}
