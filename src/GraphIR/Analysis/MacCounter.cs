// Multiply-accumulates of a graph's compute ops at batch 1: the cost figure pruning targets and inspect prints.
namespace Onnxc.GraphIR.Analysis;

/// <summary>
/// Counts multiply-accumulates (MACs; one MAC is two FLOPs) of Conv, ConvTranspose, Gemm and MatMul — and of their
/// integer forms — from inferred shapes, with a symbolic batch taken as 1. Ops of unknown shape are listed in
/// <see cref="MacCount.Unknown"/> and add nothing; elementwise ops are not counted (they are memory-bound and
/// small next to the products).
/// </summary>
public static class MacCounter
{
    public static MacCount Count(Graph graph)
    {
        var perOp = new SortedDictionary<string, long>(StringComparer.Ordinal);
        var unknown = new List<string>();
        foreach (Node node in graph.Nodes)
        {
            long? macs = node.OpType switch
            {
                "Conv" or "ConvInteger" or "QLinearConv" => ConvMacs(node, node.OpType == "QLinearConv" ? 3 : 1),
                "ConvTranspose" => ConvTransposeMacs(node),
                "Gemm" => GemmMacs(node),
                "MatMul" or "MatMulInteger" or "QLinearMatMul" or "DynamicQuantizeMatMul" or "MatMulIntegerToFloat" => MatMulMacs(node),
                _ => 0,
            };
            if (macs is null)
            {
                unknown.Add(node.Name);
                continue;
            }

            if (macs > 0)
            {
                perOp[node.OpType] = perOp.GetValueOrDefault(node.OpType) + macs.Value;
            }
        }

        return new MacCount(perOp, unknown);
    }

    private static long? Known(TensorShape? s, int from = 0)
    {
        if (s is null)
        {
            return null;
        }

        long p = 1;
        for (int i = from; i < s.Rank; i++)
        {
            // A symbolic dimension is the batch (or a sequence) and counts as 1.
            p *= s[i].Value ?? 1;
        }

        return p;
    }

    /// <summary>Output elements × (input channels / group) × kernel size.</summary>
    private static long? ConvMacs(Node node, int weightIndex)
    {
        TensorShape? y = node.Outputs[0]?.Shape, w = node.Input(weightIndex)?.Shape;
        if (y is null || w is null || w.Rank < 2 || Known(w, 1) is not long perOutput)
        {
            return null;
        }

        return Known(y) * perOutput;
    }

    /// <summary>Input elements × (output channels / group) × kernel size (every input pixel scatters a kernel).</summary>
    private static long? ConvTransposeMacs(Node node)
    {
        TensorShape? x = node.Inputs[0]?.Shape, w = node.Input(1)?.Shape;
        if (x is null || w is null || w.Rank < 2)
        {
            return null;
        }

        return Known(x) * Known(w, 1);
    }

    private static long? GemmMacs(Node node)
    {
        TensorShape? y = node.Outputs[0]?.Shape, a = node.Inputs[0]?.Shape;
        if (y is null || a is not { Rank: 2 })
        {
            return null;
        }

        long k = (node.GetInt("transA", 0) == 0 ? a[1] : a[0]).Value ?? 1;
        return Known(y) * k;
    }

    private static long? MatMulMacs(Node node)
    {
        TensorShape? y = node.Outputs[0]?.Shape, a = node.Inputs[0]?.Shape;
        if (y is null || a is null || a.Rank == 0)
        {
            return null;
        }

        return Known(y) * (a[a.Rank - 1].Value ?? 1);
    }
}

/// <summary>MACs per op type and in total; the names of compute nodes whose shapes were unknown.</summary>
public sealed record MacCount(IReadOnlyDictionary<string, long> PerOpType, IReadOnlyList<string> Unknown)
{
    public long Total => PerOpType.Values.Sum();
}
