// What a compile asks of INT8 quantization (-O int8 / int8-dynamic): the command's flags, typed.
using Onnxc.GraphIR;
using Onnxc.Passes.Quantization;

namespace Onnxc.Compilation;

/// <summary>What the caller asked of quantization; <see cref="OnnxCompiler"/> turns it into the passes' options.</summary>
public sealed record Int8Settings
{
    /// <summary>--calibration: a .npy file, an image folder or ONNX test-data folders; -O int8 needs it.</summary>
    public string? CalibrationPath { get; init; }

    /// <summary>--preprocess: how images and arrays become input tensors (scale=, mean=, std=, crop=, channels=).</summary>
    public string? Preprocess { get; init; }

    /// <summary>--calibration-samples: how many samples, evenly spread, calibration observes; null for 256.</summary>
    public int? CalibrationSamples { get; init; }

    /// <summary>--calibrate: minmax, entropy or percentile[:P]; null for the default.</summary>
    public string? Calibrate { get; init; }

    /// <summary>--activations: the element type of quantized activations, UInt8 (default) or Int8.</summary>
    public ElementType Activations { get; init; } = ElementType.UInt8;

    /// <summary>--per-tensor: one weight scale per tensor instead of one per output channel.</summary>
    public bool PerTensorWeights { get; init; }

    /// <summary>
    /// --calibration-table: ranges read from this JSON file when it exists (tensors it lacks are calibrated), else
    /// calibrated and written there, so later compiles of the model skip calibration and give the same file.
    /// </summary>
    public string? CalibrationTablePath { get; init; }

    /// <summary>--quant-scope: auto (default), full or matmul.</summary>
    public QuantScope Scope { get; init; } = QuantScope.Auto;

    /// <summary>--format: QDQ or QOperator. Null: QDQ, and the speed check may choose QOperator instead.</summary>
    public QuantFormat? Format { get; init; }

    /// <summary>--no-speed-check: write the INT8 model even where float runs faster.</summary>
    public bool NoSpeedCheck { get; init; }

    /// <summary>--encoding-plan: a --report JSON whose speed-check choice is replayed instead of timing again.</summary>
    public string? EncodingPlanPath { get; init; }

    /// <summary>--target: cpu (7-bit weights, right on AVX2 CPUs without VNNI), cpu-vnni, or a GPU target such as rtx2050 (lowers to onnxc's kernels).</summary>
    public string Target { get; init; } = "cpu";

    /// <summary>Batch size of a GPU plan for a symbolic batch dimension; null: 1.</summary>
    public int? PlanBatch { get; init; }

    /// <summary>--exclude: node names or op types kept in float.</summary>
    public IReadOnlyList<string> Exclude { get; init; } = [];

    /// <summary>--max-accuracy-drop: put the most sensitive layers back in float until the top-1 drop on <see cref="EvalDataPath"/> is within this many points.</summary>
    public double? MaxAccuracyDrop { get; init; }

    /// <summary>--eval-data: labelled samples for accuracy control and the final report.</summary>
    public string? EvalDataPath { get; init; }

    /// <summary>--no-verify: skip running the INT8 model against the float one before writing.</summary>
    public bool NoVerify { get; init; }

    /// <summary>--provider: where self-verification (and the final report of --eval-data) run the models in ONNX Runtime.</summary>
    public Evaluation.ExecutionProvider Provider { get; init; } = Evaluation.ExecutionProvider.Cpu;

    /// <summary>--report: the compile summary (and the speed check) as JSON.</summary>
    public string? ReportPath { get; init; }

    /// <summary>--report-html: the final report (needs <see cref="EvalDataPath"/>) as a self-contained HTML page with plots.</summary>
    public string? ReportHtmlPath { get; init; }

    /// <summary>
    /// What is wrong with these settings before any model is read (a GPU target with QOperator, --plan-batch for a
    /// CPU target, an unknown target or calibration method), or null when nothing is.
    /// </summary>
    public static string? Validate(Int8Settings settings) => Int8Compilation.Validate(settings);
}
