// What a compile made: where, how big, and the summary it printed.
using Onnxc.Passes.Quantization;

namespace Onnxc.Compilation;

/// <summary>The outcome of <see cref="OnnxCompiler.Compile"/>; the output file exists and verifies.</summary>
public sealed record CompileResult
{
    /// <summary>The model that was compiled.</summary>
    public required string ModelPath { get; init; }

    /// <summary>The file that was written.</summary>
    public required string OutputPath { get; init; }

    /// <summary>The level it was compiled at.</summary>
    public required OptimizationLevel Level { get; init; }

    /// <summary>Size of the input model file (without external data).</summary>
    public required long InputBytes { get; init; }

    /// <summary>Size of the written model file (without external data).</summary>
    public required long OutputBytes { get; init; }

    /// <summary>Every summary line, in order, as the onnxc command prints them on stdout.</summary>
    public required IReadOnlyList<string> Summary { get; init; }

    /// <summary>The quantizer's account of an INT8 compile (what was quantized, what stayed float and why, verification); null otherwise, or when float won the speed check.</summary>
    public CompileSummary? Quantization { get; init; }

    /// <summary>The encoding an INT8 compile wrote: qdq, qoperator, dynamic or float (the speed check's choice); null for float levels.</summary>
    public string? Encoding { get; init; }
}
