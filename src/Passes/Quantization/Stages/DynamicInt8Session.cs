// What the -O int8-dynamic stages share through the PassContext: the request and what quantize-dynamic decided.
using Onnxc.Evaluation.Data;

namespace Onnxc.Passes.Quantization.Stages;

/// <summary>The state of one dynamic INT8 compile; <see cref="DynamicQuantizer"/> puts it in the <see cref="PassContext"/>.</summary>
public sealed class DynamicInt8Session(QuantizationOptions options, SampleSet? verifyData, Action<string> log) : IVerifiedCompile
{
    public QuantizationOptions Options { get; } = options;

    /// <summary>Samples to verify with; dynamic quantization needs no calibration, so there may be none.</summary>
    public SampleSet? VerifyData { get; } = verifyData;

    public Action<string> Log { get; } = log;

    /// <summary>Per node: quantized or not, and why.</summary>
    public IReadOnlyList<NodeDecision> Decisions { get; set; } = [];

    public Model? Float { get; set; }

    public VerificationResult? Verification { get; set; }
}
