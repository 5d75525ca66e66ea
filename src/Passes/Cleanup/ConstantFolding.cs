// fold-constants: evaluates nodes whose inputs are all constants and replaces them by initializers.
using Onnxc.GraphIR.Evaluation;

namespace Onnxc.Passes.Cleanup;

/// <summary>
/// Replaces every node whose inputs are all constant initializers (and every Constant node) by initializers
/// holding its outputs, computed by <see cref="ConstantEvaluator"/> (bit-identical to ORT). One sweep in graph
/// order folds whole constant chains, since each folded output is a constant for the nodes after it.
/// Size guard: a result may exceed the bytes of the constants it reads by at most
/// <see cref="PassOptions.ConstantFoldingMaxGrowthBytes"/>, so Tile, Expand and ConstantOfShape that would bloat the
/// file stay in the graph. Nodes whose outputs are graph outputs are kept (an initializer cannot take over a
/// graph output's place without an Identity).
/// </summary>
public sealed class ConstantFolding : Pass
{
    public override string Name => "fold-constants";

    public override string Description => "evaluate nodes on constant inputs (Constant nodes included) into initializers, with a size guard";

    public override void Run(Model model, PassContext context)
    {
        foreach (Graph graph in PassScope.Graphs(model))
        {
            foreach (Node node in graph.Nodes.ToList())
            {
                string? reason = TryFold(graph, node, context.Options.ConstantFoldingMaxGrowthBytes);
                if (reason is not null && context.Options.DebugRewrites && ConstantEvaluator.Supports(node.OpType))
                {
                    context.Log.WriteLine($"[{Name}] {node.Describe()}: {reason}");
                }
            }
        }
    }

    /// <summary>Folds <paramref name="node"/>; returns null when it did, else why not.</summary>
    internal static string? TryFold(Graph graph, Node node, long maxGrowthBytes)
    {
        if (!node.IsDefaultDomain || !ConstantEvaluator.Supports(node.OpType) || node.Subgraphs.Any())
        {
            return "not an op the evaluator knows";
        }

        if (node.Outputs.Count != 1 || node.Outputs[0] is not Value output)
        {
            return "folds single-output nodes only";
        }

        if (output.IsGraphOutput)
        {
            return $"{output} is a graph output";
        }

        var inputs = new TensorData?[node.Inputs.Count];
        long inputBytes = 0;
        for (int i = 0; i < inputs.Length; i++)
        {
            Value? v = node.Inputs[i];
            if (v is null)
            {
                continue;
            }

            if (!ConstantValues.IsFixed(v))
            {
                return $"input {v} is not constant";
            }

            inputs[i] = v.Initializer;
            inputBytes += v.Initializer!.Storage.ByteLength;
        }

        TensorData result;
        try
        {
            result = ConstantEvaluator.Evaluate(node, inputs)[0];
        }
        catch (NotSupportedException e)
        {
            return e.Message;
        }

        if (result.Storage.ByteLength > inputBytes + maxGrowthBytes)
        {
            return $"result of {result.Storage.ByteLength} bytes would grow the model by more than {maxGrowthBytes}";
        }

        if (output.ElementType != ElementType.Undefined && output.ElementType != result.ElementType)
        {
            return $"evaluated type {result.ElementType.OnnxName()} differs from the declared {output.ElementType.OnnxName()}";
        }

        ReplaceByInitializer(graph, node, result);
        return null;
    }

    /// <summary>Replaces the single-output <paramref name="node"/> by an initializer of the same name holding <paramref name="data"/>.</summary>
    internal static Value ReplaceByInitializer(Graph graph, Node node, TensorData data)
    {
        Value output = node.Outputs[0]!;
        string name = output.Name;
        graph.Rename(output, graph.Model.FreshName(name + "_folded"));
        Value constant = graph.AddInitializer(name, data);
        graph.ReplaceAllUsesWith(output, constant);
        graph.RemoveNode(node);
        return constant;
    }
}
