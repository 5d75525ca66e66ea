// Everything that shapes an INT8 compile: scheme, format, target, exclusions, calibration and accuracy control.
using Onnxc.GraphIR;
using Onnxc.Passes.Calibration;

namespace Onnxc.Passes.Quantization;

public sealed record QuantizationOptions
{
    public QuantTarget Target { get; init; } = QuantTarget.Cpu;

    /// <summary><c>--activations u8|s8</c>: UINT8 (default) or INT8 activations.</summary>
    public ElementType Activations { get; init; } = ElementType.UInt8;

    public WeightGranularity Weights { get; init; } = WeightGranularity.PerChannel;

    /// <summary>Forces 7-bit weights on or off; null follows <see cref="Target"/>.</summary>
    public bool? ReducedRangeOverride { get; init; }

    public QuantFormat Format { get; init; } = QuantFormat.Qdq;

    /// <summary>
    /// In QDQ output, run value-preserving ops on integers and drop Relus that Q makes redundant (true by default;
    /// accuracy analysis turns it off to see every tensor's dequantized value).
    /// </summary>
    public bool QdqCleanup { get; init; } = true;

    /// <summary><c>--exclude</c>: node names or op types kept in float.</summary>
    public IReadOnlyList<string> Exclude { get; init; } = [];

    /// <summary>Quantize Softmax/normalization too (they stay float unless asked).</summary>
    public IReadOnlyList<string> AlsoQuantizeOpTypes { get; init; } = [];

    /// <summary><c>--quant-scope</c>: every op with a rule, or only MatMul/Gemm inputs; Auto decides from the graph.</summary>
    public QuantScope Scope { get; init; } = QuantScope.Auto;

    /// <summary>
    /// Self-attention becomes com.microsoft QAttention (ONNX Runtime's fused kernel); off for outputs that other
    /// runtimes or onnxc's GPU kernels run.
    /// </summary>
    public bool FuseAttention { get; init; } = true;

    public CalibrationOptions Calibration { get; init; } = new();

    /// <summary><c>--no-verify</c> clears this.</summary>
    public VerifyMode Verify { get; init; } = VerifyMode.Verify;

    /// <summary>Samples the self-verification runs.</summary>
    public int VerifySamples { get; init; } = 16;

    /// <summary>Where self-verification runs the float and the INT8 model (--provider).</summary>
    public Evaluation.ExecutionProvider VerifyProvider { get; init; } = Evaluation.ExecutionProvider.Cpu;

    /// <summary><c>--max-accuracy-drop</c> in top-1 points (0.5 = half a point); null: no accuracy control.</summary>
    public double? MaxAccuracyDrop { get; init; }

    /// <summary>Samples of the eval data the accuracy control measures on (evenly spread; null: all).</summary>
    public int? AccuracySamples { get; init; }

    public bool ReducedRange => ReducedRangeOverride ?? Target.NeedsReducedRange;

    public static ElementType ParseActivations(string text) => text.Trim().ToLowerInvariant() switch
    {
        "u8" or "uint8" => ElementType.UInt8,
        "s8" or "int8" => ElementType.Int8,
        _ => throw new ArgumentException($"--activations must be u8 or s8, not '{text}'"),
    };

    public static QuantFormat ParseFormat(string text) => text.Trim().ToLowerInvariant() switch
    {
        "qdq" => QuantFormat.Qdq,
        "qoperator" or "qop" => QuantFormat.QOperator,
        _ => throw new ArgumentException($"--format must be qdq or qoperator, not '{text}'"),
    };
}
