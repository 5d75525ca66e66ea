// Float rewrites that make a model quantize well, run before calibration so calibration sees the graph as it runs.
using Onnxc.GraphIR;

namespace Onnxc.Passes.Quantization;

/// <summary>
/// Prepares a float model for INT8: opset 13 (<see cref="OpsetUpgrade"/>), then three float-exact folds that give
/// the quantizer constant weights and biases to work with, then element types from <see cref="TypeProbe"/>.
/// <list type="bullet">
/// <item>Reshape(constant, constant shape) → the reshaped constant (mnist-8 reshapes its last weight this way).</item>
/// <item>Conv(x, W[, b]) → Add(·, c) with c holding one value per output channel → Conv(x, W, b + c): the Add
/// becomes the int32 bias instead of a separately quantized operand.</item>
/// <item>MatMul(x, W) → Add(·, c) with x of rank 2, W constant [K, N] and c constant with N values →
/// Gemm(x, W, c).</item>
/// </list>
/// Each fold requires the intermediate value to have one use and not be a graph output.
/// </summary>
public static class QuantizationPreparation
{
    /// <summary>Returns the number of folds made (the opset upgrade is not counted).</summary>
    public static int Run(Model model)
    {
        OpsetUpgrade.Run(model);
        Graph g = model.Graph;
        int folds = 0;
        foreach (Node n in g.Nodes.ToList())
        {
            if (!n.IsRemoved && n.OpType == "Reshape" && FoldConstantReshape(g, n))
            {
                folds++;
            }
        }

        TypeProbe.Run(model);
        foreach (Node n in g.Nodes.ToList())
        {
            if (n.IsRemoved || n.OpType != "Add")
            {
                continue;
            }

            if (FoldConvAdd(g, n) || FoldMatMulAdd(g, n))
            {
                folds++;
            }
        }

        foreach (Node n in g.Nodes)
        {
            if (n.OpType is "Conv" or "MaxPool" or "AveragePool")
            {
                DropDefaultAttributes(g, n);
            }
        }

        RemoveUnusedInitializers(g);
        return folds;
    }

    /// <summary>
    /// Removes attributes equal to their defaults (strides and dilations of 1, group 1, zero pads, auto_pad NOTSET):
    /// same op, fewer bytes, which matters for small models where the graph weighs as much as the INT8 weights.
    /// </summary>
    private static void DropDefaultAttributes(Graph g, Node n)
    {
        foreach (NodeAttribute a in n.Attributes.ToList())
        {
            bool isDefault = a.Name switch
            {
                "strides" or "dilations" => a.Kind == AttributeKind.Ints && a.Ints.All(v => v == 1),
                "pads" => a.Kind == AttributeKind.Ints && a.Ints.All(v => v == 0),
                "group" => a.Kind == AttributeKind.Int && a.I == 1,
                "auto_pad" => a.Kind == AttributeKind.String && a.StringValue == "NOTSET",
                _ => false,
            };
            if (isDefault)
            {
                g.RemoveAttribute(n, a.Name);
            }
        }
    }

    private static bool FoldConstantReshape(Graph g, Node n)
    {
        if (n.Input(0) is not { IsConstant: true } data || n.Input(1) is not { IsConstant: true } shapeValue || n.Outputs[0] is not { } y || y.IsGraphOutput)
        {
            return false;
        }

        TensorData t = data.Initializer!;
        long[] shape = shapeValue.Initializer!.ToInt64s();
        bool allowZero = n.GetInt("allowzero", 0) != 0;
        long known = 1;
        int infer = -1;
        for (int i = 0; i < shape.Length; i++)
        {
            if (shape[i] == 0 && !allowZero)
            {
                shape[i] = t.Dims[i];
            }

            if (shape[i] == -1)
            {
                infer = i;
            }
            else
            {
                known *= shape[i];
            }
        }

        if (infer >= 0)
        {
            shape[infer] = known == 0 ? 0 : t.ElementCount / known;
        }

        if (TensorData.CountElements(shape) != t.ElementCount)
        {
            return false;
        }

        Value folded = g.AddConstant(y.Name + "_folded", new TensorData(t.ElementType, [.. shape], t.Storage));
        g.ReplaceAllUsesWith(y, folded);
        g.RemoveNode(n);
        return true;
    }

    private static bool FoldConvAdd(Graph g, Node add)
    {
        (Node? conv, Value? c) = ProducerAndConstant(add, "Conv");
        if (conv is null || c is null || conv.Input(1) is not { IsConstant: true } w)
        {
            return false;
        }

        long channels = w.Initializer!.Dims[0];
        TensorData ct = c.Initializer!;
        if (ct.ElementType != ElementType.Float || ct.ElementCount != channels || !IsChannelVector(ct.Dims, channels, rank: w.Initializer.Dims.Length))
        {
            return false;
        }

        float[] bias = conv.Input(2) is { IsConstant: true } b ? b.Initializer!.ToFloats() : new float[channels];
        if (conv.Input(2) is { IsConstant: false })
        {
            return false;
        }

        float[] add2 = ct.ToFloats();
        for (int i = 0; i < bias.Length; i++)
        {
            bias[i] += add2[i];
        }

        Value newBias = g.AddConstant((conv.Name.Length > 0 ? conv.Name : "conv") + "_bias", TensorData.FromFloats([channels], bias));
        g.SetInput(conv, 2, newBias);
        g.ReplaceAllUsesWith(add.Outputs[0]!, conv.Outputs[0]!);
        g.RemoveNode(add);
        return true;
    }

    private static bool FoldMatMulAdd(Graph g, Node add)
    {
        (Node? mm, Value? c) = ProducerAndConstant(add, "MatMul");
        if (mm is null || c is null || mm.Input(1) is not { IsConstant: true } w || w.Initializer!.Dims.Length != 2
            || mm.Input(0)?.Shape?.Rank != 2)
        {
            return false;
        }

        long n = w.Initializer.Dims[1];
        TensorData ct = c.Initializer!;
        if (ct.ElementType != ElementType.Float || ct.ElementCount != n || ct.Dims.Length > 2 || (ct.Dims.Length == 2 && ct.Dims[0] != 1))
        {
            return false;
        }

        Value bias = g.AddConstant(c.Name + "_vector", TensorData.FromFloats([n], ct.ToFloats()));
        Value y = add.Outputs[0]!;
        Node gemm = g.AddNode("Gemm", [mm.Input(0), w, bias], [g.Model.FreshName(y.Name + "_gemm")], name: mm.Name, before: add);
        Graph.SetType(gemm.Outputs[0]!, y.Type);
        g.ReplaceAllUsesWith(y, gemm.Outputs[0]!);
        g.RemoveNode(add);
        g.RemoveNode(mm);
        return true;
    }

    /// <summary>The producer of one Add input when it has type <paramref name="opType"/> and one use, and the constant other input.</summary>
    private static (Node?, Value?) ProducerAndConstant(Node add, string opType)
    {
        for (int i = 0; i < 2; i++)
        {
            if (add.Input(i) is { Producer: { } p } x && p.OpType == opType && x.Uses.Count == 1 && !x.IsGraphOutput
                && add.Input(1 - i) is { IsConstant: true } c)
            {
                return (p, c);
            }
        }

        return (null, null);
    }

    /// <summary>Dims that broadcast as one value per channel of an NCHW output: [C,1,1], [1,C,1,1] and the like.</summary>
    private static bool IsChannelVector(IReadOnlyList<long> dims, long channels, int rank)
    {
        if (dims.Count > rank)
        {
            return false;
        }

        int channelAxis = 1 - (rank - dims.Count);
        for (int i = 0; i < dims.Count; i++)
        {
            long expected = i == channelAxis ? channels : 1;
            if (dims[i] != expected)
            {
                return false;
            }
        }

        return channelAxis >= 0 || channels == 1;
    }

    private static void RemoveUnusedInitializers(Graph g)
    {
        foreach (Value v in g.Initializers.ToList())
        {
            if (v.Uses.Count == 0 && !v.IsGraphOutput && !v.IsGraphInput)
            {
                g.RemoveInitializer(v);
            }
        }
    }
}
