// Structural and type checks of the IR, run after every pass in tests and with --verify-each.
using Onnxc.GraphIR.Schema;

namespace Onnxc.GraphIR.Verification;

/// <summary>
/// Checks a model: single producer per value; every input defined in scope (its own graph or an enclosing one);
/// nodes in topological order (after the producers of what they read, also inside their subgraphs) and no
/// cycles; graph outputs defined; for ops in <see cref="OpSchemas"/>: attribute names and kinds, required
/// attributes, input and output counts, element types against the type constraints; Q/DQ scale and zero-point
/// ranks; initializer data against the declared value type. Unknown ops and other domains get the structural
/// checks only.
/// </summary>
public static partial class Verifier
{
    /// <summary>Every problem found, in graph order; empty when the model is valid.</summary>
    public static IReadOnlyList<VerifierError> Check(Model model)
    {
        var errors = new List<VerifierError>();
        CheckGraph(model.Graph, errors);
        foreach (FunctionDef f in model.Functions)
        {
            CheckGraph(f.Body, errors);
        }

        return errors;
    }

    /// <summary>Throws <see cref="InvalidModelException"/> for the first problem, naming the file and node.</summary>
    public static void Verify(Model model, string? filePath = null)
    {
        IReadOnlyList<VerifierError> errors = Check(model);
        if (errors.Count > 0)
        {
            throw new InvalidModelException(errors[0].Message, filePath, errors[0].Node);
        }
    }

    private static void CheckGraph(Graph graph, List<VerifierError> errors)
    {
        string where = graph.Parent is null ? string.Empty : $" (in subgraph '{graph.Name}')";
        CheckValues(graph, where, errors);
        CheckOrder(graph, where, errors);
        foreach (Node node in graph.Nodes)
        {
            CheckNodeStructure(node, where, errors);
            if (OpSchemas.Find(node.Domain, node.OpType) is { } schema)
            {
                CheckAttributes(node, schema, where, errors);
                CheckCounts(node, schema, where, errors);
                CheckTypes(node, schema, where, errors);
                CheckOpSpecific(node, where, errors);
            }

            if (node.IsDefaultDomain && node.OpType is "QuantizeLinear" or "DequantizeLinear" or "QLinearConv" or "QLinearMatMul")
            {
                CheckQuantParams(node, where, errors);
            }

            foreach (Graph sub in node.Subgraphs)
            {
                CheckGraph(sub, errors);
            }
        }

        foreach (Value output in graph.Outputs)
        {
            if (!IsInScope(graph, output) || !IsDefined(output))
            {
                errors.Add(new VerifierError($"graph output {output} is not produced by a node, an input or an initializer{where}", null));
            }
        }
    }

    /// <summary>Initializer data against declared types, and values that claim two producers.</summary>
    private static void CheckValues(Graph graph, string where, List<VerifierError> errors)
    {
        foreach (Value init in graph.Initializers)
        {
            if (init.Producer is not null)
            {
                errors.Add(new VerifierError($"{init} is an initializer and also produced by a node{where}", init.Producer.Describe()));
            }

            if (init.Initializer is not { } data || init.TensorType is not { } declared)
            {
                continue;
            }

            if (declared.ElementType != ElementType.Undefined && declared.ElementType != data.ElementType)
            {
                errors.Add(new VerifierError(
                    $"initializer {init} is declared {declared.ElementType.OnnxName()} but holds {data.ElementType.OnnxName()} data{where}", null));
            }

            if (declared.Shape is { } shape && !ShapeAdmits(shape, data.Dims))
            {
                errors.Add(new VerifierError($"initializer {init} is declared {shape} but holds data of shape {data.Shape}{where}", null));
            }
        }

        foreach (Value input in graph.Inputs)
        {
            if (input.Producer is not null)
            {
                errors.Add(new VerifierError($"graph input {input} is also produced by a node{where}", input.Producer.Describe()));
            }
        }
    }

    private static bool ShapeAdmits(TensorShape shape, IReadOnlyList<long> dims)
    {
        if (shape.Rank != dims.Count)
        {
            return false;
        }

        for (int i = 0; i < dims.Count; i++)
        {
            if (shape[i].Value is long v && v != dims[i])
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>No cycles, then every node after the producers of everything it reads (also inside its subgraphs).</summary>
    private static void CheckOrder(Graph graph, string where, List<VerifierError> errors)
    {
        if (graph.TopologicalOrder(out Node? cycleNode) is null)
        {
            errors.Add(new VerifierError($"the graph has a cycle through this node{where}", cycleNode!.Describe()));
            return;
        }

        var position = new Dictionary<Node, int>();
        for (int i = 0; i < graph.Nodes.Count; i++)
        {
            position[graph.Nodes[i]] = i;
        }

        for (int i = 0; i < graph.Nodes.Count; i++)
        {
            Node node = graph.Nodes[i];
            foreach (Value v in Graph.ReadValues(node).Distinct())
            {
                if (v.Producer is { } p && p.Graph == graph && position.TryGetValue(p, out int at) && at >= i && p != node)
                {
                    errors.Add(new VerifierError($"reads {v} before its producer {p.Describe()} (nodes out of topological order){where}", node.Describe()));
                }
            }
        }
    }

    /// <summary>Outputs owned by this node; inputs defined and visible from the node's graph.</summary>
    private static void CheckNodeStructure(Node node, string where, List<VerifierError> errors)
    {
        for (int i = 0; i < node.Outputs.Count; i++)
        {
            if (node.Outputs[i] is not { } o)
            {
                continue;
            }

            if (o.Producer != node || o.ProducerOutputIndex != i || o.Graph != node.Graph)
            {
                string other = o.Producer is null ? "no producer" : $"producer {o.Producer.Describe()}";
                errors.Add(new VerifierError($"output {i} {o} does not name this node as its single producer (has {other}){where}", node.Describe()));
            }
        }

        for (int i = 0; i < node.Inputs.Count; i++)
        {
            if (node.Inputs[i] is not { } v)
            {
                continue;
            }

            if (!IsInScope(node.Graph, v))
            {
                errors.Add(new VerifierError($"input {i} {v} is defined in graph '{v.Graph.Name}', which is not this graph or an enclosing one{where}", node.Describe()));
            }
            else if (!IsDefined(v))
            {
                errors.Add(new VerifierError($"input {i} {v} is not defined (no producer, not an input or initializer){where}", node.Describe()));
            }
        }
    }

    private static bool IsInScope(Graph graph, Value v)
    {
        for (Graph? g = graph; g is not null; g = g.Parent)
        {
            if (v.Graph == g)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>A value still in its graph, produced by a live node there or an input or initializer of it.</summary>
    private static bool IsDefined(Value v)
    {
        if (v.Graph.FindValue(v.Name) != v)
        {
            return false;
        }

        if (v.Producer is { } p)
        {
            return !p.IsRemoved && p.Graph == v.Graph;
        }

        return v.IsGraphInput || v.IsInitializer;
    }
}
