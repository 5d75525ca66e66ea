// What happened to one model of the round-trip conformance check.
namespace Onnxc.GraphIR.Tests.Conformance;

public enum ConformanceOutcome
{
    /// <summary>The round-tripped model gave the same output bytes as the original on every data set.</summary>
    BitIdentical,

    /// <summary>Both models ran, and some output differs (or the interface changed).</summary>
    Mismatched,

    /// <summary>The original runs in ORT, but Load/Save threw, or ORT rejects or fails on the saved model.</summary>
    RoundTripFailed,

    /// <summary>ORT cannot load or run the original (or runs it nondeterministically), so there is nothing to compare.</summary>
    NotRunnableByOrt,

    /// <summary>The case uses something the harness does not carry (sequence/map/optional values, no test data).</summary>
    Skipped,
}
