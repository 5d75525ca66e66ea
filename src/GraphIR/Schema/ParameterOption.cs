// Whether a formal input or output of an operator is required, optional or variadic.
namespace Onnxc.GraphIR.Schema;

public enum ParameterOption
{
    Single,
    Optional,

    /// <summary>One or more values (the last formal parameter only); all share its type variable.</summary>
    Variadic,

    /// <summary>Zero or more values (the last formal parameter only).</summary>
    VariadicOrNone,
}
