// The outcome of one conformance case, with a short category for the histogram and the full detail.
namespace Onnxc.GraphIR.Tests.Conformance;

/// <param name="Category">A short key that groups like reasons ("load: NOT_IMPLEMENTED"); empty when identical.</param>
/// <param name="Detail">The full message, for the failure list.</param>
public sealed record ConformanceResult(ConformanceCase Case, ConformanceOutcome Outcome, string Category, string Detail)
{
    public bool IsFailure => Outcome is ConformanceOutcome.Mismatched or ConformanceOutcome.RoundTripFailed;

    public bool IsRunnable => Outcome is ConformanceOutcome.BitIdentical or ConformanceOutcome.Mismatched
        or ConformanceOutcome.RoundTripFailed;

    public override string ToString() => $"{Case.Id}: {Outcome} {Detail}".TrimEnd();
}
