// What the -O int8 stages share through the PassContext: the request (options, data) and what each stage found.
using Onnxc.Evaluation.Data;
using Onnxc.Passes.Calibration;

namespace Onnxc.Passes.Quantization.Stages;

/// <summary>
/// The state of one static INT8 compile. <see cref="Int8Compiler"/> puts it in the <see cref="PassContext"/>; the
/// stages read the request and record their results here, in pipeline order: plan, table, accuracy control, the float
/// reference the emitted model is verified against, and the verification.
/// </summary>
public sealed class Int8Session(QuantizationOptions options, SampleSet calibration, CalibrationTable? cachedTable, SampleSet? eval, Action<string> log)
    : IVerifiedCompile
{
    public QuantizationOptions Options { get; } = options;

    public SampleSet Calibration { get; } = calibration;

    /// <summary>A table from an earlier compile of the same model: only the tensors it lacks are calibrated.</summary>
    public CalibrationTable? CachedTable { get; } = cachedTable;

    /// <summary>Labelled samples for --max-accuracy-drop.</summary>
    public SampleSet? Eval { get; } = eval;

    public Action<string> Log { get; } = log;

    /// <summary>Static INT8 verifies on calibration samples.</summary>
    public SampleSet? VerifyData => Calibration;

    public QuantizationPlan? Plan { get; set; }

    public CalibrationTable? Table { get; set; }

    public double CalibrationSeconds { get; set; }

    public AccuracyControlResult? Accuracy { get; set; }

    public IReadOnlyList<string> Fallbacks { get; set; } = [];

    /// <summary>The prepared float model as it was before emission: what self-verification compares against.</summary>
    public Model? Float { get; set; }

    public VerificationResult? Verification { get; set; }

    public QuantizationPlan RequirePlan(Pass stage) =>
        Plan ?? throw new InvalidOperationException($"stage {stage.Name} runs after plan-int8, which did not run");

    public CalibrationTable RequireTable(Pass stage) =>
        Table ?? throw new InvalidOperationException($"stage {stage.Name} runs after calibrate, which did not run");
}
