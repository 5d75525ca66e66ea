// Optimization levels of the onnxc command line (-O0, -O1, -O2).
namespace Onnxc.Passes;

/// <summary>How hard the pipeline optimizes. Each level includes everything of the levels below it.</summary>
public enum OptLevel
{
    /// <summary>No optimization: the model is re-emitted as it came (only what correctness needs runs).</summary>
    O0 = 0,

    /// <summary>Cleanup: constant folding, dead code, duplicates, no-ops and static shape arithmetic.</summary>
    O1 = 1,

    /// <summary>Cleanup plus local fusions (Conv+BN, MatMul+Add, transpose/reshape chains, ...).</summary>
    O2 = 2,
}
