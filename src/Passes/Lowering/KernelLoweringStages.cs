// lower-to-kernels and embed-kernel-plan: the stages --target rtx2050 adds after -O int8, as registered passes.
using Onnxc.Kernels.Runtime;
using Onnxc.Passes.Pipelines;

namespace Onnxc.Passes.Lowering;

/// <summary>The base of the stages a GPU --target adds after -O int8; without either there is no kernel plan in the output.</summary>
public abstract class GpuTargetPass : Pass
{
    /// <summary>The --list-passes label of these stages.</summary>
    public const string GpuTarget = "--target GPU";

    public override OptLevel Level => OptLevel.O2;

    public override string Pipeline => GpuTarget;

    public override bool CanBeDisabled => false;
}

/// <summary>What the GPU stages share through the <see cref="PassContext"/>: the request, and the lowering once it ran.</summary>
public sealed class KernelLoweringSession(LoweringOptions options)
{
    public LoweringOptions Options { get; } = options;

    public LoweringResult? Result { get; set; }
}

/// <summary>
/// lower-to-kernels: the QDQ model becomes the target's kernel plan (<see cref="Int8Lowering"/>); the ONNX graph is
/// not changed, since ONNX Runtime still runs the file as it is.
/// </summary>
public sealed class KernelLowering : GpuTargetPass
{
    public override string Name => "lower-to-kernels";

    public override string Description => "with a GPU --target: lower the QDQ graph to the target's INT8 kernel plan (static shapes at --plan-batch, memory planned by liveness, float kernels where INT8 has none)";

    public override PassRequirements Requires => PassRequirements.Target;

    public override void Run(Model model, PassContext context)
    {
        KernelLoweringSession session = context.GetService<KernelLoweringSession>();
        session.Result = Int8Lowering.Lower(model, session.Options);
    }

    /// <summary>The two GPU stages in order, for a context that holds a <see cref="KernelLoweringSession"/>.</summary>
    public static PassManager Stages() => new PassManager(GpuTarget)
        .Add(PassRegistry.Get("lower-to-kernels"))
        .Add(PassRegistry.Get("embed-kernel-plan"));
}

/// <summary>embed-kernel-plan: the plan and its PTX go into the model's metadata, where ONNX Runtime ignores them and `onnxc run` finds them.</summary>
public sealed class KernelPlanEmbedding : GpuTargetPass
{
    public override string Name => "embed-kernel-plan";

    public override string Description => "with a GPU --target: store the kernel plan and its PTX in the model's metadata (ONNX Runtime ignores them; onnxc run executes them)";

    public override void Run(Model model, PassContext context)
    {
        LoweringResult lowering = context.GetService<KernelLoweringSession>().Result
            ?? throw new InvalidOperationException($"pass {Name} runs after lower-to-kernels, which did not run");
        PlanArtifact.Embed(model, lowering.Plan, lowering.Ptx);
    }
}
