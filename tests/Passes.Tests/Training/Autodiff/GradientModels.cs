// Builders for the one- and few-node models the gradient rule tests check.
using Onnxc.GraphIR;

namespace Onnxc.Passes.Tests.Training.Autodiff;

internal static class GradientModels
{
    /// <summary>An empty model at <paramref name="opset"/> whose IR version admits that opset.</summary>
    public static Model New(long opset)
    {
        Model m = TestGraphs.NewModel(opset);
        m.IrVersion = 10;
        return m;
    }

    /// <summary>A graph input named <paramref name="name"/> with static dims.</summary>
    public static Value Input(Model m, string name, params long[] dims) => TestGraphs.Input(m.Graph, name, dims);

    /// <summary>
    /// Adds one node and makes its outputs the graph outputs (types left to inference). Its name is not the bare
    /// op type: node names do not survive a save and load as taken, and the check adds Mul/ReduceSum/Add nodes.
    /// </summary>
    public static Value[] Node(Model m, string op, Value?[] inputs, int outputCount, params NodeAttribute[] attributes)
    {
        Node n = AddNamed(m, op, inputs, outputCount, attributes);
        foreach (Value? o in n.Outputs)
        {
            m.Graph.AddOutput(o!);
        }

        return [.. n.Outputs.Select(o => o!)];
    }

    /// <summary>Adds an inner node (its output not a graph output) and returns its first output.</summary>
    public static Value Op(Model m, string op, Value?[] inputs, params NodeAttribute[] attributes) =>
        AddNamed(m, op, inputs, 1, attributes).Outputs[0]!;

    /// <summary>A model y = op(inputs) with each input a graph input of the given dims.</summary>
    public static Model Single(string op, long opset, long[][] inputDims, params NodeAttribute[] attributes)
    {
        Model m = New(opset);
        Value[] inputs = [.. inputDims.Select((d, i) => Input(m, $"x{i}", d))];
        Node(m, op, inputs, 1, attributes);
        return m;
    }

    private static Node AddNamed(Model m, string op, Value?[] inputs, int outputCount, NodeAttribute[] attributes)
    {
        // Trailing omitted inputs are dropped rather than written as empty names.
        int count = inputs.Length;
        while (count > 0 && inputs[count - 1] is null)
        {
            count--;
        }

        string[] names = [.. Enumerable.Range(0, outputCount).Select(i => m.FreshName($"{op.ToLowerInvariant()}_y{i}"))];
        return m.Graph.AddNode(op, inputs[..count], names, attributes, name: m.FreshName($"forward_{op}"));
    }

    /// <summary>The names x0..x{n-1} of <see cref="Single"/>'s inputs.</summary>
    public static string[] Names(int count) => [.. Enumerable.Range(0, count).Select(i => $"x{i}")];
}
