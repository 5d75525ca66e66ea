// Inference through control flow: If branches, Loop and Scan bodies, whose types feed the node's outputs.
namespace Onnxc.GraphIR.Analysis;

internal sealed partial class ShapeInferrer
{
    private void InferControlFlow(Node node, ElementType[] types, TensorShape?[] shapes)
    {
        switch (node.OpType)
        {
            case "If":
                InferIf(node, types, shapes);
                break;
            case "Loop":
                InferLoop(node, types, shapes);
                break;
            default:
                InferScan(node, types, shapes);
                break;
        }
    }

    /// <summary>If: each output is what both branches agree on (a dim they differ in becomes unknown).</summary>
    private void InferIf(Node node, ElementType[] types, TensorShape?[] shapes)
    {
        Graph? thenBranch = node.Attribute("then_branch")?.G;
        Graph? elseBranch = node.Attribute("else_branch")?.G;
        InferSubgraphsPlain(node);
        if (thenBranch is null || elseBranch is null)
        {
            return;
        }

        for (int i = 0; i < types.Length; i++)
        {
            TensorType? a = i < thenBranch.Outputs.Count ? thenBranch.Outputs[i].TensorType : null;
            TensorType? b = i < elseBranch.Outputs.Count ? elseBranch.Outputs[i].TensorType : null;
            if (a is null || b is null)
            {
                continue;
            }

            types[i] = a.ElementType == b.ElementType ? a.ElementType : ElementType.Undefined;
            shapes[i] = a.Shape is { } sa && b.Shape is { } sb && sa.Rank == sb.Rank
                ? Shape(sa.Dims.Zip(sb.Dims, (x, y) => x == y ? x : Dim.Unknown))
                : null;
        }
    }

    /// <summary>
    /// Loop(M, cond, v...) with body(iter, cond, v...) -> (cond, v..., scan...): the carried values keep their input
    /// types (a dim the body changes becomes unknown); scan outputs gain a leading axis of unknown length.
    /// </summary>
    private void InferLoop(Node node, ElementType[] types, TensorShape?[] shapes)
    {
        Graph? body = node.Attribute("body")?.G;
        if (body is null)
        {
            return;
        }

        SeedInput(body, 0, new TensorType(ElementType.Int64, TensorShape.Scalar));
        SeedInput(body, 1, new TensorType(ElementType.Bool, TensorShape.Scalar));
        int carried = Math.Max(0, node.Inputs.Count - 2);
        for (int i = 0; i < carried; i++)
        {
            if (node.Inputs[2 + i]?.TensorType is { } t)
            {
                SeedInput(body, 2 + i, t);
            }
        }

        InferGraph(body);
        for (int i = 0; i < types.Length; i++)
        {
            TensorType? result = 1 + i < body.Outputs.Count ? body.Outputs[1 + i].TensorType : null;
            if (i < carried)
            {
                TensorType? initial = node.Inputs[2 + i]?.TensorType;
                types[i] = initial?.ElementType ?? result?.ElementType ?? ElementType.Undefined;
                shapes[i] = initial?.Shape is { } s0 && result?.Shape is { } s1 && s0.Rank == s1.Rank
                    ? Shape(s0.Dims.Zip(s1.Dims, (x, y) => x == y ? x : Dim.Unknown))
                    : null;
            }
            else if (result is not null)
            {
                types[i] = result.ElementType;
                shapes[i] = result.Shape is { } s ? Shape(s.Dims.Prepend(Dim.Unknown)) : null;
            }
        }
    }

    /// <summary>
    /// Scan (opset 9+): body inputs are the states then one slice of each scan input (its scan axis removed);
    /// outputs are the final states then the stacked scan outputs (the scan axis, of the input's length, inserted).
    /// </summary>
    private void InferScan(Node node, ElementType[] types, TensorShape?[] shapes)
    {
        Graph? body = node.Attribute("body")?.G;
        if (body is null || _opset < 9)
        {
            InferSubgraphsPlain(node);
            return;
        }

        int scanInputs = (int)Int(node, "num_scan_inputs", 0);
        int states = node.Inputs.Count - scanInputs;
        long[] inAxes = Ints(node, "scan_input_axes") ?? new long[scanInputs];
        Dim length = Dim.Unknown;
        for (int i = 0; i < node.Inputs.Count; i++)
        {
            if (node.Inputs[i]?.TensorType is not { } t)
            {
                continue;
            }

            if (i < states)
            {
                SeedInput(body, i, t);
            }
            else if (t.Shape is { } s && i - states < inAxes.Length)
            {
                int axis = Axis(inAxes[i - states], s.Rank);
                length = s[axis];
                SeedInput(body, i, t with { Shape = Shape(s.Dims.Where((_, j) => j != axis)) });
            }
        }

        InferGraph(body);
        long[] outAxes = Ints(node, "scan_output_axes") ?? new long[Math.Max(0, types.Length - states)];
        for (int i = 0; i < types.Length && i < body.Outputs.Count; i++)
        {
            if (body.Outputs[i].TensorType is not { } r)
            {
                continue;
            }

            types[i] = r.ElementType;
            if (i < states)
            {
                shapes[i] = r.Shape;
            }
            else if (r.Shape is { } s && i - states < outAxes.Length)
            {
                var dims = s.Dims.ToList();
                dims.Insert(Axis(outAxes[i - states], s.Rank + 1), length);
                shapes[i] = Shape(dims);
            }
        }
    }

    /// <summary>Gives a subgraph input the type the node feeds it, unless the subgraph declares one already.</summary>
    private static void SeedInput(Graph body, int index, TensorType type)
    {
        if (index < body.Inputs.Count)
        {
            MergeInto(body.Inputs[index], type);
        }
    }
}
