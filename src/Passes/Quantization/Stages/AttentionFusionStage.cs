// fuse-attention-for-int8: self-attention subgraphs become com.microsoft Attention, which emission turns into QAttention.
using Onnxc.Passes.Fusion;
using Onnxc.Passes.Rewriting;

namespace Onnxc.Passes.Quantization.Stages;

/// <summary>
/// Runs <see cref="AttentionFusion"/> on the prepared model when the INT8 output is for ONNX Runtime
/// (<see cref="QuantizationOptions.FuseAttention"/>): QAttention then does the three projections as one u8·s8 GEMM and
/// the attention itself in float without the head transposes, instead of three MatMulIntegerToFloat, quantized
/// heads and probabilities, and four Transposes per block. A GPU target leaves it off (its kernels have no
/// attention); <c>--disable-pass fuse-attention-for-int8</c> too.
/// </summary>
public sealed class AttentionFusionStage : Int8Pass
{
    public const string StageName = "fuse-attention-for-int8";

    public override string Name => StageName;

    public override string Description => "for ONNX Runtime: self-attention (Q/K/V projections, heads, softmax, merge) becomes com.microsoft Attention, emitted as QAttention";

    public override bool CanBeDisabled => true;

    public override void Run(Model model, PassContext context)
    {
        if (context.GetService<Int8Session>().Options.FuseAttention)
        {
            RewriteDriver.Run(model, [new AttentionFusion()], context);
        }
    }
}
