// The -O levels onnxc can run; a level exists here only once its pipeline does.
namespace Onnxc.Compilation;

/// <summary>
/// An optimization level as named on the command line (<c>-O 0</c>). Each level stands for one pipeline that
/// <see cref="OnnxCompiler"/> builds as plain code. A new level (1, 2, int8, int8-dynamic) is added here together with
/// its pipeline, never before, so the command refuses a level it cannot honour instead of silently doing less.
/// </summary>
public sealed record OptimizationLevel(string Name, string Description)
{
    /// <summary>No passes: load, verify and write the model back out.</summary>
    public static OptimizationLevel O0 { get; } = new("0", "no optimization: load, verify and re-emit the model");

    /// <summary>Cleanup: constant and shape folding, no-op and dead-code removal, duplicate merging, CSE.</summary>
    public static OptimizationLevel O1 { get; } = new("1", "cleanup: fold constants and shape arithmetic, remove no-ops and dead code, merge duplicates");

    /// <summary>-O1 plus the standard-op fusions (Conv+BN, MatMul+Add, LayerNorm, Gelu, ...) and QDQ hygiene.</summary>
    public static OptimizationLevel O2 { get; } = new("2", "-O 1 plus fusions into standard ops (Conv+BatchNormalization, MatMul+Add->Gemm, LayerNormalization, Gelu, ...)");

    /// <summary>-O 2, then static INT8: calibrate on --calibration data, quantize, verify against the float model.</summary>
    public static OptimizationLevel Int8 { get; } = new("int8", "-O 2, then calibrated INT8 quantization (needs --calibration)");

    /// <summary>-O 2, then dynamic INT8: int8 weights, activations quantized at run time; no data needed.</summary>
    public static OptimizationLevel Int8Dynamic { get; } = new("int8-dynamic", "-O 2, then INT8 weights with activations quantized at run time (MatMul/Gemm)");

    /// <summary>The levels this build supports, in the order --help lists them.</summary>
    public static IReadOnlyList<OptimizationLevel> Supported { get; } = [O0, O1, O2, Int8, Int8Dynamic];

    /// <summary>-O int8 or int8-dynamic.</summary>
    public bool IsInt8 => this == Int8 || this == Int8Dynamic;

    /// <summary>The level called <paramref name="name"/>, or null when this build has no such level.</summary>
    public static OptimizationLevel? Find(string name) =>
        Supported.FirstOrDefault(l => string.Equals(l.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>The supported names, comma-separated, for messages.</summary>
    public static string SupportedNames => string.Join(", ", Supported.Select(l => l.Name));

    /// <summary>As on the command line: "-O int8".</summary>
    public override string ToString() => "-O " + Name;
}
