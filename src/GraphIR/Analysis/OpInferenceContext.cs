// What an op inference rule sees of its node: input types, constant inputs, and where its results go.
namespace Onnxc.GraphIR.Analysis;

/// <summary>
/// One node under inference. Inputs are read as types, shapes and (when they are small integer constants, or shape
/// arithmetic the walk has resolved) their values; results are collected per output and merged into the graph by
/// the walk afterwards, with the same rules as the built-in ops (a declared type is never made less specific).
/// </summary>
public sealed class OpInferenceContext
{
    private readonly Func<Value?, long[]?> _constantInts;
    private readonly TensorType?[] _results;

    internal OpInferenceContext(Node node, long opset, Func<Value?, long[]?> constantInts)
    {
        Node = node;
        Opset = opset;
        _constantInts = constantInts;
        _results = new TensorType?[node.Outputs.Count];
    }

    public Node Node { get; }

    /// <summary>The default-domain opset the graph is inferred at.</summary>
    public long Opset { get; }

    public int InputCount => Node.Inputs.Count;

    /// <summary>The tensor type of input <paramref name="index"/>, or null when it is omitted or not a known tensor.</summary>
    public TensorType? InputType(int index) => Node.Input(index)?.TensorType;

    public ElementType InputElementType(int index) => InputType(index)?.ElementType ?? ElementType.Undefined;

    public TensorShape? InputShape(int index) => InputType(index)?.Shape;

    /// <summary>The elements of an integer input that is a constant or resolved shape arithmetic; null otherwise.</summary>
    public long[]? ConstantInts(int index) => _constantInts(Node.Input(index));

    /// <summary>
    /// Records output <paramref name="index"/>'s type: an element type (Undefined: not known) and a shape (null:
    /// not known). An index past the node's outputs, or an omitted optional output, is ignored.
    /// </summary>
    public void SetOutput(int index, ElementType elementType, TensorShape? shape)
    {
        if (index >= 0 && index < _results.Length && (elementType != ElementType.Undefined || shape is not null))
        {
            _results[index] = new TensorType(elementType, shape);
        }
    }

    internal TensorType? Result(int index) => _results[index];
}
