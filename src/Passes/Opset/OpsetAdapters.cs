// The rule for each operator redefinition: compatible as is, rewritten by an adapter, or refused.
using Onnxc.GraphIR;

namespace Onnxc.Passes.Opset;

/// <summary>
/// One entry per (operator, version) at which the default domain redefined an operator, for versions 2 to 21.
/// Entries not listed here have no rule, and an upgrade across them is refused.
/// </summary>
internal static partial class OpsetAdapters
{
    /// <summary>A rule: <c>Check</c> says why it cannot apply to a node (null: it can); <c>Apply</c> rewrites and says what it did.</summary>
    private sealed record Rule(Func<Node, string?> Check, Func<Node, string?> Apply);

    private static readonly Rule s_compatible = new(_ => null, _ => null);

    private static readonly Dictionary<(string Op, int Version), Rule> s_rules = Build();

    /// <summary>Null when the node can cross <paramref name="version"/>, else the reason it cannot.</summary>
    public static string? Check(Node node, int version) =>
        s_rules.TryGetValue((node.OpType, version), out Rule? rule)
            ? rule.Check(node)
            : $"no upgrade rule for {node.OpType} version {version}";

    /// <summary>Rewrites the node for <paramref name="version"/>; returns what changed, or null for a compatible step.</summary>
    public static string? Apply(Node node, int version) => s_rules[(node.OpType, version)].Apply(node);

    private static Dictionary<(string, int), Rule> Build()
    {
        var rules = new Dictionary<(string, int), Rule>();
        void Compatible(int version, params string[] ops)
        {
            foreach (string op in ops)
            {
                rules[(op, version)] = s_compatible;
            }
        }

        void Adapt(int version, Rule rule, params string[] ops)
        {
            foreach (string op in ops)
            {
                rules[(op, version)] = rule;
            }
        }

        // Versions 2 to 6: mostly the removal of consumed_inputs (an in-place hint with no meaning for results).
        Adapt(2, new Rule(_ => null, n => RenameAttribute(n, "paddings", "pads")), "Pad");
        Adapt(2, new Rule(n => n.Inputs.Count > 1 ? "the split sizes come from a second input" : null, _ => null), "Split");
        Adapt(2, new Rule(_ => null, LpNormPToInt), "LpPool", "GlobalLpPool");
        Compatible(3, "GRU");
        Adapt(4, new Rule(_ => null, n => n.Attribute("axis") is null ? SetInt(n, "axis", 1) : null), "Concat");
        Adapt(5, new Rule(n => n.GetInts("shape") is null && n.Inputs.Count < 2 ? "it has no shape" : null, n => IntsAttributeToInput(n, "shape", 1)), "Reshape");
        Adapt(6, new Rule(_ => null, n => DropAttributes(n, "consumed_inputs")),
            "Abs", "Add", "BatchNormalization", "Ceil", "Clip", "Div", "Dropout", "Elu", "Exp", "Floor", "Gemm", "HardSigmoid",
            "InstanceNormalization", "LeakyRelu", "Log", "Max", "Mean", "Min", "Mul", "Neg", "PRelu", "Reciprocal", "Relu",
            "Selu", "Sigmoid", "Sqrt", "Sub", "Sum", "Tanh");
        Adapt(6, new Rule(n => n.Attribute("to") is { Kind: AttributeKind.String } a && CastTarget(a.StringValue) is null ? $"unknown Cast target '{a.StringValue}'" : null, CastToInt), "Cast");
        Adapt(6, new Rule(_ => "Tile-1's tiles/axis inputs have no fixed translation to repeats without shapes", _ => null), "Tile");

        // Version 7: numpy-style broadcasting replaces the broadcast/axis attributes; is_test goes.
        Adapt(7, new Rule(CheckLegacyBroadcast, DropLegacyBroadcast), "Add", "Sub", "Mul", "Div", "Pow", "And", "Or", "Xor", "Equal", "Greater", "Less");
        Adapt(7, new Rule(_ => null, n => DropAttributes(n, "broadcast")), "Gemm");
        Adapt(7, new Rule(_ => null, n => DropAttributes(n, "is_test")), "BatchNormalization", "Dropout");
        Compatible(7, "AveragePool", "PRelu");
        Adapt(7, new Rule(n => n.Attribute("output_sequence") is not null ? "its output_sequence attribute was removed" : null, _ => null), "GRU", "LSTM", "RNN");
        Adapt(7, new Rule(_ => null, UpsampleScalesToList), "Upsample");

        Compatible(8, "Max", "Min", "Mean", "Sum", "MaxPool");
        Adapt(9, new Rule(n => n.GetInt("spatial", 1) != 1 ? "spatial=0 was removed" : null, n => DropAttributes(n, "spatial")), "BatchNormalization");
        Compatible(9, "Cast", "Constant", "Flatten", "Gemm", "Greater", "Less", "MatMul", "PRelu");
        Adapt(9, new Rule(_ => null, n => FloatsAttributeToInput(n, "scales", 1)), "Upsample");
        Adapt(9, new Rule(_ => "Scan-8's batch axis has no translation to Scan-9", _ => null), "Scan");

        Compatible(10, "AveragePool", "MaxPool");
        Adapt(10, new Rule(n => n.Outputs.Count > 1 && n.Outputs[1] is { Uses.Count: > 0 } ? "its mask output changed type" : null, _ => null), "Dropout");
        Adapt(10, new Rule(_ => null, SliceAttributesToInputs), "Slice");
        Adapt(10, new Rule(n => n.Attribute("k") is null ? "it has no k" : null, n => IntAttributeToInput(n, "k", 1)), "TopK");
        Adapt(10, new Rule(_ => null, UpsampleToResize), "Upsample");

        Compatible(11, "ArgMax", "ArgMin", "AveragePool", "Compress", "Concat", "Constant", "Conv", "ConvTranspose", "DepthToSpace",
            "Equal", "Flatten", "Gather", "Gemm", "Hardmax", "If", "LogSoftmax", "Loop", "LpPool", "MaxPool", "MaxUnpool",
            "NonMaxSuppression", "OneHot", "ReduceL1", "ReduceL2", "ReduceLogSum", "ReduceLogSumExp", "ReduceMax", "ReduceMean",
            "ReduceMin", "ReduceProd", "ReduceSum", "ReduceSumSquare", "Scan", "Slice", "Softmax", "Split", "Squeeze", "TopK", "Unsqueeze");
        Adapt(11, new Rule(CheckTypedScalarAttributes, ClipAttributesToInputs), "Clip");
        Adapt(11, new Rule(CheckTypedScalarAttributes, PadAttributesToInputs), "Pad");
        Adapt(11, new Rule(_ => null, ResizeV10ToV11), "Resize");
        Adapt(11, new Rule(_ => null, n => Replace(n, "ScatterElements", n.Inputs, n.Attributes)), "Scatter");

        Compatible(12, "ArgMax", "ArgMin", "Clip", "Constant", "GatherND", "Max", "MaxPool", "Min", "Pow", "ReduceMax", "ReduceMin");
        Adapt(12, new Rule(_ => null, DropoutRatioToInput), "Dropout");

        Compatible(13, "Abs", "Add", "ArgMax", "ArgMin", "Cast", "Ceil", "Clip", "Concat", "Constant", "DepthToSpace", "DequantizeLinear",
            "Div", "Dropout", "Equal", "Erf", "Exp", "Expand", "Flatten", "Floor", "Gather", "GatherElements", "GatherND", "Gemm",
            "Greater", "Identity", "If", "IsNaN", "LRN", "Less", "Log", "Loop", "MatMul", "Max", "Mean", "MeanVarianceNormalization",
            "Min", "Mod", "Mul", "Neg", "NegativeLogLikelihoodLoss", "NonZero", "Pad", "Pow", "QuantizeLinear", "Reciprocal",
            "ReduceL1", "ReduceL2", "ReduceLogSum", "ReduceLogSumExp", "ReduceMax", "ReduceMean", "ReduceMin", "ReduceProd",
            "ReduceSumSquare", "Relu", "Reshape", "Resize", "ScatterElements", "ScatterND", "Shape", "Sigmoid", "Sign", "Size",
            "Slice", "SoftmaxCrossEntropyLoss", "SpaceToDepth", "Sqrt", "Sub", "Sum", "Tanh", "Tile", "Transpose");
        Adapt(13, new Rule(_ => null, n => IntsAttributeToInput(n, "axes", 1)), "Squeeze", "Unsqueeze", "ReduceSum");
        Adapt(13, new Rule(_ => null, n => IntsAttributeToInput(n, "split", 1)), "Split");
        Adapt(13, new Rule(_ => null, SoftmaxToSingleAxis), "Softmax", "LogSoftmax", "Hardmax");

        Compatible(14, "Add", "BatchNormalization", "CumSum", "Div", "GRU", "Identity", "LSTM", "Mul", "RNN", "Relu", "Reshape", "Sub");
        Compatible(15, "BatchNormalization", "Pow", "Shape");
        Compatible(16, "GreaterOrEqual", "Identity", "If", "LeakyRelu", "LessOrEqual", "Loop", "PRelu", "Scan", "ScatterElements", "ScatterND", "Where");
        Adapt(16, new Rule(_ => null, n => n.Attribute("coordinate_transformation_mode") is null ? SetString(n, "coordinate_transformation_mode", "output_half_pixel") : null), "RoiAlign");

        Compatible(18, "LpPool", "OptionalGetElement", "OptionalHasElement", "Pad", "Resize", "ScatterElements", "ScatterND");
        Adapt(18, new Rule(_ => null, n => n.Input(1) is null ? SetInt(n, "num_outputs", n.Outputs.Count) : null), "Split");
        Adapt(18, new Rule(_ => null, n => IntsAttributeToInput(n, "axes", 1)),
            "ReduceL1", "ReduceL2", "ReduceLogSum", "ReduceLogSumExp", "ReduceMax", "ReduceMean", "ReduceMin", "ReduceProd", "ReduceSumSquare");
        Compatible(19, "AveragePool", "Cast", "CastLike", "Constant", "DequantizeLinear", "Equal", "Identity", "If", "Loop", "Pad",
            "QuantizeLinear", "Reshape", "Resize", "Scan", "Shape", "Size");
        Compatible(20, "ConstantOfShape", "IsInf", "IsNaN", "ReduceMax", "ReduceMin");
        Adapt(20, new Rule(_ => null, GridSampleModeNames), "GridSample");
        Adapt(20, new Rule(_ => null, DftAxisToInput), "DFT");
        Compatible(21, "Cast", "CastLike", "ConstantOfShape", "DequantizeLinear", "Flatten", "Identity", "If", "Loop", "Pad", "QLinearMatMul",
            "QuantizeLinear", "Reshape", "Scan", "Shape", "Size", "Squeeze", "Transpose", "Unsqueeze");
        Adapt(21, new Rule(CheckGroupNormParameters, GroupNormPerChannel), "GroupNormalization");
        return rules;
    }
}
