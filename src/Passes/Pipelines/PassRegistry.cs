// The registry behind --list-passes and --disable-pass: every pass and rewrite rule, listed explicitly.
using System.Text;
using Onnxc.Passes.Cleanup;
using Onnxc.Passes.Cleanup.NoOps;
using Onnxc.Passes.Fusion;
using Onnxc.Passes.Qdq;
using Onnxc.Passes.Quantization.Stages;
using Onnxc.Passes.Rewriting;

namespace Onnxc.Passes.Pipelines;

/// <summary>
/// Every pass the pipelines can build, by name. Passes are registered here by hand (no reflection), so the list
/// is exactly what the code says. Rewrite rules are listed under the pass that runs them and can be disabled by
/// their own names too.
/// </summary>
public static class PassRegistry
{
    private static readonly Lazy<IReadOnlyList<Pass>> s_passes = new(() =>
    [
        new ConstantFolding(),
        new ShapeArithmeticFolding(),
        NoOpElimination(),
        new CommonSubexpressionElimination(),
        new DuplicateInitializerMerging(),
        new DeadCodeElimination(),
        new UnusedInitializerRemoval(),
        LocalFusion(),
        DataMovementSimplification(),
        QdqSimplification(),

        // The stages of -O int8 (Quantization.Stages.Int8Pipelines), in the order they run.
        new QuantizationOpset(),
        new TypeProbePass(),
        BiasFoldingForInt8(),
        new DefaultAttributeRemoval(),
        new AttentionFusionStage(),
        new QuantizationPlanning(),
        new CalibrationStage(),
        new AccuracyControlStage(),
        new QdqEmission(),
        new QOperatorStage(),
        new QdqCleanupStage(),
        new SelfVerification(),
        new DynamicQuantization(),

        // What a GPU --target adds after them.
        new Lowering.KernelLowering(),
        new Lowering.KernelPlanEmbedding(),
    ]);

    /// <summary>The passes, in pipeline order.</summary>
    public static IReadOnlyList<Pass> Passes => s_passes.Value;

    /// <summary>Passes and rules, as --list-passes shows them.</summary>
    public static IReadOnlyList<PassInfo> Entries { get; } = BuildEntries();

    /// <summary>The pass named <paramref name="name"/>; throws with the known names when there is none.</summary>
    public static Pass Get(string name) =>
        Passes.FirstOrDefault(p => p.Name == name)
        ?? throw new ArgumentException($"unknown pass '{name}'; known passes: {string.Join(", ", Passes.Select(p => p.Name))}");

    public static bool IsKnown(string name) => Entries.Any(e => e.Name == name);

    /// <summary>Throws for the first name that is neither a pass nor a rule (for --disable-pass).</summary>
    public static void Validate(IEnumerable<string> names)
    {
        foreach (string n in names)
        {
            if (!IsKnown(n))
            {
                throw new ArgumentException($"unknown pass or rule '{n}'; --list-passes shows the known names");
            }

            if (Passes.FirstOrDefault(p => p.Name == n) is { CanBeDisabled: false } stage)
            {
                throw new ArgumentException($"pass '{n}' cannot be disabled: {stage.Pipeline} has no output without it");
            }
        }
    }

    /// <summary>Throws for the first name that is not a pass (for --print-ir-after, which prints after passes, not rules).</summary>
    public static void ValidatePassNames(IEnumerable<string> names)
    {
        foreach (string n in names)
        {
            if (!Passes.Any(p => p.Name == n))
            {
                throw new ArgumentException($"unknown pass '{n}' for --print-ir-after; known passes: {string.Join(", ", Passes.Select(p => p.Name))}");
            }
        }
    }

    /// <summary>The --list-passes text: one line per pass, its rules indented below it.</summary>
    public static string Describe()
    {
        var sb = new StringBuilder();
        foreach (PassInfo e in Entries)
        {
            string indent = e.Parent is null ? string.Empty : "  ";
            string name = indent + e.Name;
            sb.Append(name.PadRight(40)).Append(' ').Append(e.Pipeline.PadRight(12)).Append("  ").AppendLine(e.Description);
        }

        // The order of every pipeline, the stages that reuse -O 1 and -O 2 passes included.
        sb.AppendLine();
        foreach (OptLevel level in new[] { OptLevel.O1, OptLevel.O2 })
        {
            sb.Append("-O").Append((int)level).Append(" runs: ").AppendLine(Order(PassPipelines.Build(level, PassOptions.Default)));
        }

        sb.Append("-O int8 runs -O2, then: ").AppendLine(Order(Int8Pipelines.Static()));
        sb.Append("-O int8-dynamic runs -O2, then: ").AppendLine(Order(Int8Pipelines.Dynamic()));
        sb.Append("QAT prepares with: ").AppendLine(Order(Int8Pipelines.Preparation()));
        sb.Append("a GPU --target (rtx2050) adds: ").AppendLine(Order(Lowering.KernelLowering.Stages()));

        return sb.ToString();
    }

    /// <summary>A pipeline's passes in order, repeats of a fixed-point group listed once.</summary>
    private static string Order(PassManager pm) => string.Join(", ", pm.Passes.Select(p => p.Name));

    /// <summary>The rules that remove ops returning their input unchanged.</summary>
    public static RewritePass NoOpElimination() => new(
        "eliminate-no-ops",
        "remove Identity, inference Dropout, same-type Cast, same-shape Reshape, identity Transpose, zero Pad, full Slice, 1-input Concat",
        OptLevel.O1,
        PassRequirements.Shapes,
        [
            new IdentityElimination(), new DropoutElimination(), new CastElimination(), new ReshapeElimination(),
            new TransposeElimination(), new PadElimination(), new SliceElimination(), new ConcatElimination(),
        ]);

    /// <summary>The local fusions of -O2.</summary>
    public static RewritePass LocalFusion() => new(
        "fuse-local",
        "Conv+BatchNormalization, Conv/Gemm with constant Mul/Add, MatMul+Add to Gemm, Pad into Conv/AveragePool, Transpose into Gemm, LayerNormalization (opset 17), Gelu exact and tanh (opset 20)",
        OptLevel.O2,
        PassRequirements.Shapes,
        [
            new ConvBatchNormFusion(), new ConvMulFusion(), new ConvAddFusion(), new GemmMulFusion(), new GemmAddFusion(),
            new MatMulAddFusion(), PadFusion.IntoConv, PadFusion.IntoAveragePool, new TransposeGemmFusion(),
            new LayerNormFusion(), new GeluFusion(), new GeluTanhFusion(),
        ]);

    /// <summary>Merging and cancelling of consecutive data-movement ops.</summary>
    public static RewritePass DataMovementSimplification() => new(
        "simplify-data-movement",
        "merge consecutive Transposes, Reshapes and Slices, cancel Squeeze/Unsqueeze pairs",
        OptLevel.O2,
        PassRequirements.None,
        [
            new TransposeChainFusion(), new ReshapeChainFusion(), new SliceChainFusion(),
            SqueezeUnsqueezeCancellation.UnsqueezeOfSqueeze, SqueezeUnsqueezeCancellation.SqueezeOfUnsqueeze,
        ]);

    /// <summary>Hygiene of quantized graphs (duplicate Q/DQ pairs are merged by CSE, which compares constants by content).</summary>
    public static RewritePass QdqSimplification() => new(
        "simplify-qdq",
        "remove DQ -> Q pairs with equal parameters, move per-tensor DQ after and Q before data-movement ops",
        OptLevel.O2,
        PassRequirements.None,
        [new DequantizeQuantizeElimination(), .. DequantizeSinking.All, new QuantizeHoisting()]);

    /// <summary>-O int8's bias folds, with the -O 2 rules: after type probing they also reach MatMuls whose rank only ONNX Runtime inferred.</summary>
    public static RewritePass BiasFoldingForInt8() => new(
        "fuse-bias-for-int8",
        "fold constant bias Adds into Conv biases and MatMul+Add into Gemm (rules fuse-conv-add and fuse-matmul-add-to-gemm of fuse-local), with the probed types",
        OptLevel.O2,
        PassRequirements.None,
        [new ConvAddFusion(), new MatMulAddFusion()])
    {
        PipelineLabel = Int8Pipelines.Int8,
    };

    private static List<PassInfo> BuildEntries()
    {
        var entries = new List<PassInfo>();
        foreach (Pass p in Passes)
        {
            entries.Add(new PassInfo(p.Name, p.Description, p.Level, p.Pipeline, null));
            if (p is RewritePass rp)
            {
                // A rule two passes run is listed under the first; its name disables it in both.
                entries.AddRange(rp.Rules.Where(r => !entries.Any(e => e.Name == r.Name))
                    .Select(r => new PassInfo(r.Name, "rule of " + p.Name, p.Level, p.Pipeline, p.Name)));
            }
        }

        return entries;
    }
}
