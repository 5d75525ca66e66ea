// The settings of a pass pipeline run, as the command line gives them.
using System.Collections.Immutable;

namespace Onnxc.Passes;

/// <summary>
/// Options of a pipeline run. The driver maps its flags onto these one for one:
/// --disable-pass (<see cref="DisabledPasses"/>, pass or rewrite-rule names), --print-ir-after
/// (<see cref="PrintIrAfter"/>), --verify-each, --time-passes, --debug-rewrites.
/// </summary>
public sealed record PassOptions
{
    public static PassOptions Default { get; } = new();

    /// <summary>Pass names and rewrite-rule names that must not run.</summary>
    public ImmutableHashSet<string> DisabledPasses { get; init; } = ImmutableHashSet.Create<string>(StringComparer.Ordinal);

    public IrPrintSelection PrintIrAfter { get; init; } = IrPrintSelection.None;

    /// <summary>Run the verifier after every pass and fail naming the pass that broke the model.</summary>
    public bool VerifyEach { get; init; }

    /// <summary>Print a table of time per pass at the end of the run.</summary>
    public bool TimePasses { get; init; }

    /// <summary>Log why each rewrite rule failed to match, node by node.</summary>
    public bool DebugRewrites { get; init; }

    /// <summary>Cap on the rounds of a fixed-point group of passes.</summary>
    public int MaxFixedPointIterations { get; init; } = 8;

    /// <summary>Cap on the sweeps the greedy rewrite driver makes over a graph.</summary>
    public int MaxRewriteIterations { get; init; } = 16;

    /// <summary>
    /// Size guard of constant folding: a folded result may be larger than the constants it consumes by at most this
    /// many bytes, so Tile, Expand and ConstantOfShape of big shapes stay computed at run time.
    /// </summary>
    public long ConstantFoldingMaxGrowthBytes { get; init; } = 4096;
}
