// Inference for elementwise ops: same-shape unary ops and multidirectional (numpy) broadcasting ops.
using System.Collections.Frozen;

namespace Onnxc.GraphIR.Analysis;

internal sealed partial class ShapeInferrer
{
    /// <summary>Ops whose first output has exactly the shape of their first input.</summary>
    private static readonly FrozenSet<string> s_sameShape = FrozenSet.Create(StringComparer.Ordinal,
    [
        "Relu", "Sigmoid", "Tanh", "Exp", "Log", "Sqrt", "Reciprocal", "Floor", "Ceil", "Softplus", "Softsign", "HardSwish",
        "Mish", "Sin", "Cos", "Tan", "Asin", "Acos", "Atan", "Sinh", "Cosh", "Asinh", "Acosh", "Atanh", "Round", "Abs", "Neg",
        "Sign", "Erf", "Elu", "Celu", "Selu", "LeakyRelu", "ThresholdedRelu", "HardSigmoid", "Gelu", "Shrink", "Clip",
        "Softmax", "LogSoftmax", "Hardmax", "IsNaN", "IsInf", "Not", "BitwiseNot", "Cast", "CastLike", "InstanceNormalization",
        "GroupNormalization", "LRN", "LpNormalization", "MeanVarianceNormalization", "CumSum", "Trilu", "EyeLike",
        "RandomNormalLike", "RandomUniformLike", "Bernoulli", "ReverseSequence", "ScatterElements", "Scatter", "ScatterND",
    ]);

    /// <summary>Ops whose output is the numpy broadcast of all their inputs.</summary>
    private static readonly FrozenSet<string> s_broadcast = FrozenSet.Create(StringComparer.Ordinal,
    [
        "Add", "Sub", "Mul", "Div", "Pow", "Mod", "Max", "Min", "Sum", "Mean", "Equal", "Less", "Greater", "LessOrEqual",
        "GreaterOrEqual", "And", "Or", "Xor", "Where", "BitShift", "BitwiseAnd", "BitwiseOr", "BitwiseXor", "PRelu",
    ]);

    private bool InferElementwise(Node node, ElementType[] types, TensorShape?[] shapes)
    {
        string op = node.OpType;
        if (s_sameShape.Contains(op))
        {
            shapes[0] = ShapeOf(node.Input(0));
            switch (op)
            {
                case "Cast":
                    types[0] = CastTarget(node);
                    break;
                case "CastLike":
                    types[0] = node.Input(1)?.ElementType ?? ElementType.Undefined;
                    break;
                case "EyeLike" or "RandomNormalLike" or "RandomUniformLike" or "Bernoulli":
                    types[0] = node.Attribute("dtype") is { Kind: AttributeKind.Int } dt ? (ElementType)dt.I
                        : op == "EyeLike" || op == "Bernoulli" ? node.Input(0)?.ElementType ?? ElementType.Undefined : ElementType.Float;
                    break;
            }

            return true;
        }

        if (!s_broadcast.Contains(op))
        {
            return false;
        }

        // Before opset 7, B broadcast into A only (broadcast=1 with axis; PRelu's slope along the channels): the
        // result has A's shape.
        if (_opset < 7 && op is "Add" or "Sub" or "Mul" or "Div" or "Pow" or "Equal" or "Less" or "Greater" or "And" or "Or" or "Xor" or "PRelu")
        {
            shapes[0] = ShapeOf(node.Input(0));
            return true;
        }

        shapes[0] = Broadcast(node.Inputs.Select(ShapeOf));
        return true;
    }

    private static ElementType CastTarget(Node node) => node.Attribute("to") switch
    {
        { Kind: AttributeKind.Int } a when ElementTypes.IsDefined((int)a.I) => (ElementType)a.I,
        { Kind: AttributeKind.String } s => Enum.TryParse(s.StringValue.Replace("_", "", StringComparison.Ordinal), ignoreCase: true, out ElementType t) ? t : ElementType.Undefined,
        _ => ElementType.Undefined,
    };

    /// <summary>
    /// Numpy broadcasting of shapes aligned at the right. Per dimension: equal dims stay; a 1 yields to the other;
    /// a known size other than 1 wins over a symbolic or unknown one (a valid model must match it or be 1); two
    /// different symbols, or a symbol against an unknown, give unknown. Null when any rank is unknown.
    /// </summary>
    internal static TensorShape? Broadcast(IEnumerable<TensorShape?> shapes)
    {
        TensorShape? result = null;
        foreach (TensorShape? s in shapes)
        {
            if (s is null)
            {
                return null;
            }

            result = result is null ? s : Broadcast2(result, s);
        }

        return result;
    }

    private static TensorShape Broadcast2(TensorShape a, TensorShape b)
    {
        int rank = Math.Max(a.Rank, b.Rank);
        var dims = new Dim[rank];
        for (int i = 0; i < rank; i++)
        {
            int ia = i - (rank - a.Rank);
            int ib = i - (rank - b.Rank);
            dims[i] = ia < 0 ? b[ib] : ib < 0 ? a[ia] : BroadcastDim(a[ia], b[ib]);
        }

        return new TensorShape([.. dims]);
    }

    internal static Dim BroadcastDim(Dim a, Dim b)
    {
        if (a.IsKnown && b.IsKnown)
        {
            return a.Value == b.Value || b.Value == 1 ? a : a.Value == 1 ? b : Dim.Unknown;
        }

        if (a.IsKnown)
        {
            return a.Value == 1 ? b : a;
        }

        if (b.IsKnown)
        {
            return b.Value == 1 ? a : b;
        }

        return a.Param is not null && a.Param == b.Param ? a : Dim.Unknown;
    }
}
