// One problem the verifier found: what is wrong and at which node.
namespace Onnxc.GraphIR.Verification;

/// <param name="Message">One line saying what is wrong.</param>
/// <param name="Node">The node, as Node.Describe() says it, or null for graph-level problems.</param>
public sealed record VerifierError(string Message, string? Node);
