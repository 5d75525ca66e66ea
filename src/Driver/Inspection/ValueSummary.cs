// A graph input or output as inspect shows it: name, type text, and for tensors the element type and dims.
using Onnxc.GraphIR;

namespace Onnxc.Driver.Inspection;

/// <param name="Type">The type as text, e.g. FLOAT[N,3,32,32]; "?" when the model does not say.</param>
/// <param name="ElementType">The tensor element type, or null for non-tensor or unknown types.</param>
/// <param name="Dims">The dims, or null when the rank is unknown or the value is not a tensor.</param>
internal sealed record ValueSummary(string Name, string Type, ElementType? ElementType, IReadOnlyList<Dim>? Dims)
{
    public static ValueSummary Of(Value value) => value.Type switch
    {
        TensorType t => new ValueSummary(value.Name, t.ToString(), t.ElementType, t.Shape?.Dims),
        null => new ValueSummary(value.Name, "?", null, null),
        IrType other => new ValueSummary(value.Name, other.ToString(), null, null),
    };
}
