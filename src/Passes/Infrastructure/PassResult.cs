// What one run of one pass did: whether it changed the model (measured), how much, and how long it took.
namespace Onnxc.Passes;

/// <param name="Pass">The pass name.</param>
/// <param name="Changed">Whether the model's change counter moved while the pass ran.</param>
/// <param name="Changes">How many IR mutations the pass made.</param>
/// <param name="Elapsed">Wall time of the pass (shape inference it required included).</param>
/// <param name="Iteration">The round of its fixed-point group (0 outside groups).</param>
public sealed record PassResult(string Pass, bool Changed, long Changes, TimeSpan Elapsed, int Iteration);
