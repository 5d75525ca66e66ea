// One formal input or output of an operator: its type variable and whether it may be left out or repeated.
namespace Onnxc.GraphIR.Schema;

/// <param name="TypeVariable">Inputs and outputs with the same variable must have the same element type.</param>
public sealed record FormalParameter(string TypeVariable, ParameterOption Option);
