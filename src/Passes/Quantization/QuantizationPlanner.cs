// Decides, op by op, what runs in INT8 and where quantization parameters are needed.
using Onnxc.GraphIR;

namespace Onnxc.Passes.Quantization;

/// <summary>
/// Walks the prepared graph in order and applies <see cref="OpRules"/>:
/// <list type="bullet">
/// <item>A quantized op's float activation inputs get Q/DQ (once per tensor), and so does its output, except a
/// graph output, which stays float so the model's results (logits) are not rounded to 256 levels.</item>
/// <item>Relu/Clip right after a quantized Conv/Gemm/MatMul/Add/Mul/Concat/pool (its only use) is folded: the Q/DQ
/// goes after the Relu and its calibrated range [0, hi] gives zero point = qmin, so ORT removes the Relu.</item>
/// <item>Shape-only ops and MaxPool/Resize are quantized only when their input already is, and their output
/// shares the input's parameters (they do not change the values' range).</item>
/// <item>Everything else, and every op listed in <c>--exclude</c> by name or type, stays float with a reason.</item>
/// </list>
/// In the MatMul scope (<see cref="QuantScope.MatMul"/>, what Auto picks for a transformer) only MatMul and Gemm
/// are quantized, on their inputs alone: their outputs and every other op stay float.
/// </summary>
public static class QuantizationPlanner
{
    public static QuantizationPlan Plan(Model model, QuantizationOptions options)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        Graph g = model.Graph;
        var excludedNames = new HashSet<string>(options.Exclude, StringComparer.Ordinal);
        var excludedTypes = new HashSet<string>(options.Exclude, StringComparer.OrdinalIgnoreCase);
        var alsoQuantize = new HashSet<string>(options.AlsoQuantizeOpTypes, StringComparer.OrdinalIgnoreCase);
        var decisions = new List<NodeDecision>();
        var quantized = new HashSet<Node>();
        var tensors = new List<string>();
        var tensorSet = new HashSet<string>(StringComparer.Ordinal);
        var shared = new Dictionary<string, string>(StringComparer.Ordinal);
        var folded = new Dictionary<Node, Node>();
        QuantScope scope = QuantScopes.Resolve(options.Scope, g);
        bool matMulOnly = scope == QuantScope.MatMul;

        void AddTensor(string name, string? shareWith)
        {
            if (tensorSet.Add(name))
            {
                tensors.Add(name);
                if (shareWith is not null)
                {
                    shared[name] = shared.GetValueOrDefault(shareWith, shareWith);
                }
            }
        }

        foreach (Node node in g.Nodes)
        {
            string label = node.Name.Length > 0 ? node.Name : (node.Outputs.Count > 0 ? node.Outputs[0]?.Name : null) ?? node.OpType;
            void Float(string reason) => decisions.Add(new NodeDecision(label, node.OpType, false, reason));

            if (folded.TryGetValue(node, out Node? producer))
            {
                quantized.Add(node);
                decisions.Add(new NodeDecision(label, node.OpType, true, $"folded into the range of {producer.OpType} '{producer.Name}'"));
                continue;
            }

            OpRule rule = node.IsDefaultDomain ? OpRules.Of(node.OpType) : OpRule.None;
            if (rule == OpRule.FloatByPolicy && alsoQuantize.Contains(node.OpType))
            {
                rule = OpRule.OwnRange;
            }

            if (excludedNames.Contains(node.Name) || excludedNames.Contains(label) || excludedTypes.Contains(node.OpType))
            {
                Float("excluded (--exclude)");
                continue;
            }

            if (node is { OpType: "Attention", Domain: QOperatorLowering.MsDomain })
            {
                string? no = options.Activations != ElementType.UInt8 ? "QAttention takes u8 tokens only (--activations s8)"
                    : node.Input(0) is not { ElementType: ElementType.Float } ? "the tokens are not float"
                    : node.Input(1) is not { IsConstant: true } || node.Input(2) is not { IsConstant: true } ? "weights or bias are not constant"
                    : node.Inputs.Skip(3).Any(v => v is not null) ? "has a mask or past state"
                    : null;
                if (no is not null)
                {
                    Float(no);
                    continue;
                }

                quantized.Add(node);
                AddTensor(node.Input(0)!.Name, null);
                decisions.Add(new NodeDecision(label, node.OpType, true, "QAttention: u8 tokens, s8 Q|K|V weights per column, float softmax"));
                continue;
            }

            if (matMulOnly && rule != OpRule.None && node.OpType is not ("MatMul" or "Gemm"))
            {
                Float("quant scope matmul: only MatMul and Gemm inputs are quantized");
                continue;
            }

            switch (rule)
            {
                case OpRule.None:
                    Float(node.OpType is "Constant" or "Shape" or "ConstantOfShape" or "Cast" ? "shape or constant computation" : $"no INT8 rule for {node.OpType}");
                    continue;
                case OpRule.FloatByPolicy:
                    Float("Softmax and normalization stay float unless asked for");
                    continue;
            }

            Value? y = node.Output(0);
            int[] dataInputs = [.. OpRules.DataInputs(node.OpType, node.Inputs.Count).Where(i => node.Input(i) is not null)];
            Value? nonFloat = dataInputs.Select(i => node.Input(i)!).Concat(y is null ? [] : [y]).FirstOrDefault(v => v.ElementType != ElementType.Float);
            if (y is null || nonFloat is not null)
            {
                Float(nonFloat is null ? "no output" : $"operates on {(nonFloat.ElementType == ElementType.Undefined ? "values of unknown type" : nonFloat.ElementType.OnnxName())} ('{nonFloat.Name}')");
                continue;
            }

            string? why = rule switch
            {
                OpRule.Weighted => WeightedGuard(node),
                OpRule.SharesInput => SharesGuard(node, tensorSet),
                _ => null,
            };
            if (why is not null)
            {
                Float(why);
                continue;
            }

            quantized.Add(node);
            foreach (int i in dataInputs)
            {
                Value x = node.Input(i)!;
                if (!x.IsConstant)
                {
                    AddTensor(x.Name, null);
                }
            }

            string reason = rule switch
            {
                OpRule.Weighted => options.Weights == WeightGranularity.PerChannel ? "int8 weights per channel, int32 bias" : "int8 weights per tensor, int32 bias",
                OpRule.SharesInput => "shares its input's parameters",
                _ => "own calibrated range",
            };

            if (rule == OpRule.SharesInput)
            {
                if (!y.IsGraphOutput)
                {
                    AddTensor(y.Name, node.Input(0)!.Name);
                }

                decisions.Add(new NodeDecision(label, node.OpType, true, reason));
                continue;
            }

            if (matMulOnly)
            {
                decisions.Add(new NodeDecision(label, node.OpType, true, reason + "; output float (quant scope matmul)"));
                continue;
            }

            Value outTensor = y;
            if (y.Uses.Count == 1 && !y.IsGraphOutput && y.Uses[0].Node is { OpType: "Relu" or "Clip" } act
                && act.Output(0) is { } actOut && !excludedNames.Contains(act.Name) && !excludedTypes.Contains(act.OpType)
                && (act.OpType == "Relu" || act.Inputs.Skip(1).All(v => v is null || v.IsConstant)))
            {
                folded[act] = node;
                outTensor = actOut;
            }

            if (outTensor.IsGraphOutput)
            {
                reason += "; output kept float (graph output)";
            }
            else
            {
                AddTensor(outTensor.Name, null);
            }

            decisions.Add(new NodeDecision(label, node.OpType, true, reason));
        }

        return new QuantizationPlan(decisions, quantized, tensors, shared, scope);
    }

    private static string? WeightedGuard(Node node)
    {
        switch (node.OpType)
        {
            case "Conv":
                if (node.Input(1) is not { IsConstant: true } w || w.Initializer!.ElementType != ElementType.Float)
                {
                    return "weights are not a float constant";
                }

                return node.Input(2) is { IsConstant: false } ? "bias is not a constant" : null;
            case "Gemm":
                if (node.GetInt("transA", 0) != 0)
                {
                    return "Gemm with transA";
                }

                if (node.Input(1) is not { IsConstant: true } b || b.Initializer!.ElementType != ElementType.Float)
                {
                    return "weights are not a float constant";
                }

                return node.Input(2) is { } c && (!c.IsConstant || c.Initializer!.Dims.Length > 1 && c.Initializer.Dims[0] != 1)
                    ? "bias is not a constant vector"
                    : null;
            default:
                // MatMul: a constant B is a weight; two activations are quantized as activations.
                return node.Input(1) is { IsConstant: true } m && m.Initializer!.Dims.Length < 2 ? "weight of rank < 2" : null;
        }
    }

    private static string? SharesGuard(Node node, HashSet<string> quantizedTensors)
    {
        if (!quantizedTensors.Contains(node.Input(0)!.Name))
        {
            return "its input is not quantized (it would share the input's parameters)";
        }

        if (node.OpType == "Pad" && node.GetString("mode", "constant") == "constant" && node.Input(2) is { } pv
            && (!pv.IsConstant || pv.Initializer!.ToDoubles().Any(v => v != 0)))
        {
            return "its pad value is not a constant zero";
        }

        return null;
    }
}
