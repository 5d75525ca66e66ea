// Raises a model's default-domain opset to 13, which per-channel QuantizeLinear/DequantizeLinear (axis) need.
using Onnxc.GraphIR;

namespace Onnxc.Passes.Quantization;

/// <summary>
/// Moves a float model to opset 13 (and IR 7) before quantization. Ops whose meaning changed between the model's
/// opset and 13 are rewritten to the same computation: attributes that became inputs (Clip, Pad, Slice,
/// Squeeze/Unsqueeze, ReduceSum, Split), Softmax/LogSoftmax/Hardmax (before 13 they flattened dims from
/// <c>axis</c> on into one: Flatten → op(axis −1) → Reshape to the input's shape is the same function), and
/// Dropout (an inference no-op) is removed. Initializers listed as graph inputs (IR &lt; 4 style) become plain
/// constants so they can be quantized. Any other op whose schema changed incompatibly is refused with its name.
/// </summary>
public static class OpsetUpgrade
{
    public const int TargetOpset = 13;

    /// <summary>Ops whose schema did not change in a way that matters between opset 7 and 13.</summary>
    private static readonly HashSet<string> s_unchanged = new(StringComparer.Ordinal)
    {
        "Conv", "Relu", "MaxPool", "AveragePool", "GlobalAveragePool", "GlobalMaxPool", "Concat", "Add", "Sub", "Mul",
        "Div", "MatMul", "Gemm", "Reshape", "Flatten", "Transpose", "Sigmoid", "Tanh", "LeakyRelu", "HardSigmoid",
        "Identity", "Constant", "Shape", "Gather", "Cast", "Exp", "Log", "Sqrt", "Pow", "Neg", "Abs", "Max", "Min",
        "Sum", "Mean", "ReduceMean", "ReduceMax", "ReduceMin", "Equal", "Greater", "Less", "Not", "And", "Or",
        "Where", "Expand", "Tile", "ConstantOfShape", "Floor", "Ceil", "PRelu", "Elu", "Selu", "Softplus",
        "Softsign", "BatchNormalization", "InstanceNormalization", "LRN", "ConvTranspose", "ArgMax", "ArgMin",
        "Resize", "DepthToSpace", "SpaceToDepth", "Erf", "Reciprocal", "Sin", "Cos", "TopK", "NonZero",
        "GatherElements", "ScatterElements", "Range", "CumSum", "Einsum", "MatMulInteger", "QuantizeLinear",
        "DequantizeLinear", "LpNormalization", "HardSwish", "Size", "Mod",
    };

    /// <summary>Upgrades <paramref name="model"/> in place; returns false when it already was at 13 or later.</summary>
    public static bool Run(Model model)
    {
        ArgumentNullException.ThrowIfNull(model);
        Graph g = model.Graph;
        foreach (Value v in g.Inputs.Where(v => v.IsInitializer).ToList())
        {
            g.RemoveInput(v);
        }

        long version = model.OpsetVersion() ?? 1;
        if (version >= TargetOpset)
        {
            model.IrVersion = Math.Max(model.IrVersion, 7);
            return false;
        }

        foreach (Node node in g.Nodes.ToList())
        {
            if (!node.IsDefaultDomain)
            {
                continue;
            }

            Upgrade(g, node, version);
        }

        model.SetOpset("", TargetOpset);
        model.IrVersion = Math.Max(model.IrVersion, 7);
        return true;
    }

    private static void Upgrade(Graph g, Node node, long version)
    {
        switch (node.OpType)
        {
            case "Dropout":
                g.ReplaceAllUsesWith(node.Outputs[0]!, node.Inputs[0]!);
                if (node.Outputs.Skip(1).Any(o => o is not null && (o.Uses.Count > 0 || o.IsGraphOutput)))
                {
                    throw new NotSupportedException($"{node.Describe()}: a Dropout whose mask is used cannot be upgraded");
                }

                g.RemoveNode(node);
                return;
            case "Softmax" or "LogSoftmax" or "Hardmax":
                FlattenAxisOp(g, node);
                return;
            case "Clip" when version < 11:
                MoveAttributesToInputs(g, node, ("min", AsFloatScalar), ("max", AsFloatScalar));
                return;
            case "Pad" when version < 11:
                MoveAttributesToInputs(g, node, ("pads", AsInt64s), ("value", AsFloatScalar));
                return;
            case "Slice" when version < 10:
                MoveAttributesToInputs(g, node, ("starts", AsInt64s), ("ends", AsInt64s), ("axes", AsInt64s));
                return;
            case "Squeeze" or "Unsqueeze" or "ReduceSum" or "Split":
                string attr = node.OpType == "Split" ? "split" : "axes";
                MoveAttributesToInputs(g, node, (attr, AsInt64s));
                return;
            case "BatchNormalization":
                g.RemoveAttribute(node, "spatial");
                g.RemoveAttribute(node, "is_test");
                g.RemoveAttribute(node, "consumed_inputs");
                return;
            case "Conv" or "MaxPool" or "AveragePool" or "Relu" or "Add" or "Mul" or "Sub" or "Div" or "Concat" or "Sum":
                g.RemoveAttribute(node, "consumed_inputs");
                g.RemoveAttribute(node, "broadcast");
                g.RemoveAttribute(node, "axis_w");
                return;
        }

        if (!s_unchanged.Contains(node.OpType))
        {
            throw new NotSupportedException(
                $"{node.Describe()}: cannot move {node.OpType} from opset {version} to {TargetOpset} for quantization; convert the model to opset 13 first");
        }
    }

    private static void FlattenAxisOp(Graph g, Node node)
    {
        long axis = node.GetInt("axis", 1);
        Value x = node.Inputs[0]!;
        Value y = node.Outputs[0]!;
        Node flat = g.AddNode("Flatten", [x], 1, [NodeAttribute.Of("axis", axis)], before: node);
        Node op = g.AddNode(node.OpType, [flat.Outputs[0]], 1, [NodeAttribute.Of("axis", -1L)], before: node);
        Node shape = g.AddNode("Shape", [x], 1, before: node);
        Node back = g.AddNode("Reshape", [op.Outputs[0], shape.Outputs[0]], 1, before: node);
        g.ReplaceAllUsesWith(y, back.Outputs[0]!);
        if (!y.IsGraphOutput && y.Uses.Count == 0)
        {
            g.RemoveNode(node);
        }
    }

    private static void MoveAttributesToInputs(Graph g, Node node, params (string Name, Func<NodeAttribute, TensorData> Convert)[] attrs)
    {
        int firstInput = node.Inputs.Count;
        var values = new List<Value?>();
        foreach ((string name, Func<NodeAttribute, TensorData> convert) in attrs)
        {
            NodeAttribute? a = node.Attribute(name);
            values.Add(a is null ? null : g.AddConstant(node.OpType.ToLowerInvariant() + "_" + name, convert(a)));
            if (a is not null)
            {
                g.RemoveAttribute(node, name);
            }
        }

        while (values.Count > 0 && values[^1] is null)
        {
            values.RemoveAt(values.Count - 1);
        }

        for (int i = 0; i < values.Count; i++)
        {
            g.SetInput(node, firstInput + i, values[i]);
        }
    }

    private static TensorData AsFloatScalar(NodeAttribute a) => TensorData.Scalar(a.F);

    private static TensorData AsInt64s(NodeAttribute a) => TensorData.FromInt64s([a.Ints.Length], a.Ints.AsSpan());
}
