// Everything the main onnxc command was asked to do, read once from the command line.
namespace Onnxc.Compilation;

/// <summary>
/// The compile request. Pass-related flags (--target, --calibration) become members here when the passes they steer exist; the command line and the
/// compiler meet only through this record, so either side can grow without reshaping the other.
/// </summary>
public sealed record CompileOptions
{
    /// <summary>The ONNX model to compile; it is never modified.</summary>
    public required string ModelPath { get; init; }

    /// <summary>Where the compiled model goes (written to a temporary file, then renamed); not the input.</summary>
    public required string OutputPath { get; init; }

    /// <summary>-O: the pipeline to run.</summary>
    public required OptimizationLevel Level { get; init; }

    /// <summary>Upgrade the default-domain opset to this version before the pipeline runs (--opset), or keep it.</summary>
    public int? TargetOpset { get; init; }

    /// <summary>Write every tensor's data to OUT.data beside OUT, not only when the model would pass 2 GiB.</summary>
    public bool ExternalData { get; init; }

    /// <summary>--sparse-storage: write mostly-zero float weights as sparse_initializer.</summary>
    public bool SparseStorage { get; init; }

    /// <summary>--goal: the verdict the final report (--eval-data) prints; null for none.</summary>
    public Evaluation.Goal? Goal { get; init; }

    /// <summary>The INT8 flags; used by -O int8 and int8-dynamic.</summary>
    public Int8Settings? Int8 { get; init; }

    /// <summary>-O int8 --qat: quantization-aware training after calibration; null for plain PTQ.</summary>
    public QatSettings? Qat { get; init; }

    /// <summary>--prune-ratio / --prune-flops / --sparsity: pruning (and --recover) before any quantization; null for none.</summary>
    public PruneSettings? Prune { get; init; }

    /// <summary>--prune-sensitivity: the per-layer table's ranking and rounding; null for no table.</summary>
    public Onnxc.Passes.Pruning.PruningOptions? PruneSensitivity { get; init; }

    /// <summary>--data: the labelled training samples of --qat/--recover, and of a Taylor pruning criterion's gradients.</summary>
    public string? TrainingDataPath { get; init; }

    /// <summary>How the pass pipeline runs: disabled passes, IR printing, verify-each, timing, rewrite debugging.</summary>
    public Passes.PassOptions Passes { get; init; } = Onnxc.Passes.PassOptions.Default;
}
