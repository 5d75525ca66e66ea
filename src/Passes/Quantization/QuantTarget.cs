// The machine a quantized model is encoded for: decides the weight range that is safe on its integer kernels.
namespace Onnxc.Passes.Quantization;

/// <summary>
/// Target descriptions are data. What matters for the encoding is whether the CPU has VNNI (AVX512-VNNI or
/// AVX-VNNI). Without it, ONNX Runtime's u8×s8 GEMM (AVX2) multiplies with <c>vpmaddubsw</c>, which adds each pair
/// of u8·s8 products into a saturating int16: 255·127·2 = 64770 overflows 32767. Keeping weights in 7 bits
/// (|q| ≤ 63) bounds every pair sum by 255·63·2 = 32130, so no pair can saturate and the result is exact on every
/// x86 kernel ORT has. With VNNI (<c>vpdpbusd</c> adds into int32) the full 8-bit range is safe and a little more
/// accurate.
/// </summary>
public sealed record QuantTarget(string Name, bool HasVnni, string Description)
{
    /// <summary>The project's CPUs: x86-64 with AVX2 and no VNNI. The default.</summary>
    public static QuantTarget Cpu { get; } = new("cpu", HasVnni: false, "x86-64 AVX2 without VNNI: 7-bit weights so vpmaddubsw cannot saturate");

    /// <summary>A CPU with VNNI, where 8-bit weights are exact.</summary>
    public static QuantTarget CpuVnni { get; } = new("cpu-vnni", HasVnni: true, "x86-64 with AVX512-VNNI/AVX-VNNI: full 8-bit weights");

    public static IReadOnlyList<QuantTarget> All { get; } = [Cpu, CpuVnni];

    /// <summary>The weight range the target needs: reduced (7-bit) unless the CPU has VNNI.</summary>
    public bool NeedsReducedRange => !HasVnni;

    public static QuantTarget Parse(string name) =>
        All.FirstOrDefault(t => string.Equals(t.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException($"unknown target '{name}' (known: {string.Join(", ", All.Select(t => t.Name))})");

    public override string ToString() => Name;
}
