// The INT8 flags of the compile command (-O int8 / int8-dynamic), read once from the command line.
namespace Onnxc.Driver.Compilation;

/// <summary>What the user asked of quantization; <see cref="Compiler"/> turns it into the library's options.</summary>
internal sealed record Int8Settings
{
    public string? CalibrationPath { get; init; }

    public string? Preprocess { get; init; }

    public int? CalibrationSamples { get; init; }

    public string? Calibrate { get; init; }

    public string Activations { get; init; } = "u8";

    public bool PerTensorWeights { get; init; }

    public string Format { get; init; } = "qdq";

    /// <summary>--format was given: the speed check does not try the other static format.</summary>
    public bool FormatGiven { get; init; }

    /// <summary>--no-speed-check: write the INT8 model even where float runs faster.</summary>
    public bool NoSpeedCheck { get; init; }

    /// <summary>--encoding-plan: a --report JSON whose speed-check choice is replayed instead of timing again.</summary>
    public string? EncodingPlanPath { get; init; }

    public string Target { get; init; } = "cpu";

    /// <summary>Batch size of a GPU plan for a symbolic batch dimension; null: 1.</summary>
    public int? PlanBatch { get; init; }

    public IReadOnlyList<string> Exclude { get; init; } = [];

    public double? MaxAccuracyDrop { get; init; }

    public string? EvalDataPath { get; init; }

    public bool NoVerify { get; init; }

    public string? ReportPath { get; init; }
}
