// The signature of an op's type and shape inference, for ops GraphIR does not know itself.
namespace Onnxc.GraphIR.Analysis;

/// <summary>
/// Infers the output types of one node: reads its inputs and attributes through <paramref name="context"/> and
/// sets what it knows with <see cref="OpInferenceContext.SetOutput"/>. Registered in
/// <see cref="OpInferenceRules"/> under the op's domain and type. A rule that cannot tell (an input of unknown
/// rank, say) sets nothing; it should not throw, and an exception it throws leaves the outputs untyped.
/// </summary>
public delegate void OpInferenceRule(OpInferenceContext context);
