// Evaluates one node on constant inputs, exactly as ONNX Runtime does, for constant folding.
namespace Onnxc.GraphIR.Evaluation;

/// <summary>
/// A reference evaluator for the ops that make up shape arithmetic and small constant subgraphs. Data-movement
/// ops copy elements bit for bit; arithmetic uses IEEE single/double or two's-complement integer operations
/// element by element, which is what ORT's CPU kernels compute for these ops, so the folded constants are
/// bit-identical. Anything it cannot do exactly (an op, a type, a division by zero, an out-of-range cast) throws
/// <see cref="NotSupportedException"/> with the reason, and the caller leaves the node alone.
/// </summary>
public static partial class ConstantEvaluator
{
    private static readonly HashSet<string> s_ops = new(StringComparer.Ordinal)
    {
        "Identity", "Reshape", "Flatten", "Squeeze", "Unsqueeze", "Transpose", "Concat", "Gather", "Slice", "Expand",
        "Tile", "Shape", "Size", "ConstantOfShape", "Constant", "Cast", "Range", "Where", "Add", "Sub", "Mul", "Div",
        "Neg", "Abs", "Sqrt", "Reciprocal", "Equal", "Less", "Greater", "LessOrEqual", "GreaterOrEqual", "Not", "And",
        "Or", "Xor", "ReduceProd", "ReduceSum", "ReduceMin", "ReduceMax", "Min", "Max",
    };

    /// <summary>Whether the evaluator knows <paramref name="opType"/> (default domain) at all.</summary>
    public static bool Supports(string opType) => s_ops.Contains(opType);

    /// <summary>
    /// The outputs of <paramref name="node"/> given its inputs (null for an omitted optional input). Throws
    /// <see cref="NotSupportedException"/> when the result could not be computed exactly.
    /// </summary>
    public static IReadOnlyList<TensorData> Evaluate(Node node, IReadOnlyList<TensorData?> inputs)
    {
        if (!node.IsDefaultDomain || !Supports(node.OpType))
        {
            throw new NotSupportedException($"{node.OpType} is not evaluated at compile time");
        }

        var host = new HostTensor?[inputs.Count];
        for (int i = 0; i < inputs.Count; i++)
        {
            host[i] = inputs[i] is { } t ? HostTensor.From(t) : null;
        }

        try
        {
            HostTensor result = EvaluateOne(node, host);
            return [result.ToTensorData()];
        }
        catch (ArgumentException e)
        {
            throw new NotSupportedException($"{node.OpType}: {e.Message}", e);
        }
        catch (OverflowException e)
        {
            throw new NotSupportedException($"{node.OpType}: {e.Message}", e);
        }
        catch (IndexOutOfRangeException e)
        {
            throw new NotSupportedException($"{node.OpType}: index out of range", e);
        }
    }

    /// <summary>An elementwise op (Add, Sub, Mul, Div, Min, Max) with broadcasting on two constants.</summary>
    public static TensorData Elementwise(string op, TensorData a, TensorData b)
    {
        try
        {
            return Arithmetic(op, [HostTensor.From(a), HostTensor.From(b)]).ToTensorData();
        }
        catch (ArgumentException e)
        {
            throw new NotSupportedException($"{op}: {e.Message}", e);
        }
    }

    private static HostTensor EvaluateOne(Node node, HostTensor?[] x) => node.OpType switch
    {
        "Identity" => Req(x, 0),
        "Reshape" => Reshape(node, Req(x, 0), Req(x, 1)),
        "Flatten" => Flatten(node, Req(x, 0)),
        "Squeeze" => Squeeze(node, Req(x, 0), Opt(x, 1)),
        "Unsqueeze" => Unsqueeze(node, Req(x, 0), Opt(x, 1)),
        "Transpose" => Transpose(node, Req(x, 0)),
        "Concat" => Concat(node, x),
        "Gather" => Gather(node, Req(x, 0), Req(x, 1)),
        "Slice" => Slice(node, x),
        "Expand" => Expand(Req(x, 0), Req(x, 1)),
        "Tile" => Tile(Req(x, 0), Req(x, 1)),
        "Shape" => Shape(node, Req(x, 0)),
        "Size" => HostTensor.Of(ElementType.Int64, [], [Req(x, 0).Count]),
        "ConstantOfShape" => ConstantOfShape(node, Req(x, 0)),
        "Constant" => Constant(node),
        "Cast" => Cast(Req(x, 0), (ElementType)node.GetInt("to", 0)),
        "Range" => Range(Req(x, 0), Req(x, 1), Req(x, 2)),
        "Where" => Where(Req(x, 0), Req(x, 1), Req(x, 2)),
        "Add" or "Sub" or "Mul" or "Div" or "Min" or "Max" => Arithmetic(node.OpType, x),
        "Equal" or "Less" or "Greater" or "LessOrEqual" or "GreaterOrEqual" => Compare(node.OpType, Req(x, 0), Req(x, 1)),
        "And" or "Or" or "Xor" => Logical(node.OpType, Req(x, 0), Req(x, 1)),
        "Not" => Not(Req(x, 0)),
        "Neg" or "Abs" or "Sqrt" or "Reciprocal" => Unary(node.OpType, Req(x, 0)),
        "ReduceProd" or "ReduceSum" or "ReduceMin" or "ReduceMax" => Reduce(node, x),
        _ => throw new NotSupportedException($"{node.OpType} is not evaluated at compile time"),
    };

    private static HostTensor Req(HostTensor?[] x, int i) =>
        (i < x.Length ? x[i] : null) ?? throw new NotSupportedException($"input {i} is missing");

    private static HostTensor? Opt(HostTensor?[] x, int i) => i < x.Length ? x[i] : null;

    private static int NormalizeAxis(long axis, int rank)
    {
        long a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= rank)
        {
            throw new ArgumentException($"axis {axis} is out of range for rank {rank}");
        }

        return (int)a;
    }

    private static long[] AxesFrom(Node node, HostTensor? input) =>
        node.GetInts("axes") is { } attr ? [.. attr] : input?.ToInt64s() ?? [];
}
