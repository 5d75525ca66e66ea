// fold-shape-arithmetic: folds Shape -> Gather -> Unsqueeze -> Concat chains wherever the dims they read are static.
using System.Collections.Immutable;
using Onnxc.GraphIR.Evaluation;

namespace Onnxc.Passes.Cleanup;

/// <summary>
/// Tracks integer vectors built from Shape outputs element by element: each element is a known number or "dim a
/// of value v". A value whose elements are all known becomes an initializer (Shape of a static tensor, Gather of
/// its static dims, ...). A Reshape whose target reads, at position p, only dim p of its own data input (exporters
/// write <c>x.view(x.size(0), -1)</c> that way) gets a constant target with 0 there, which Reshape defines as "copy
/// that dim" (allowzero = 0): the dynamic batch survives and the shape subgraph becomes dead.
/// </summary>
public sealed class ShapeArithmeticFolding : Pass
{
    public override string Name => "fold-shape-arithmetic";

    public override string Description => "fold Shape/Gather/Unsqueeze/Concat arithmetic on static dims; constant Reshape targets";

    public override PassRequirements Requires => PassRequirements.Shapes;

    public override void Run(Model model, PassContext context)
    {
        foreach (Graph graph in PassScope.Graphs(model))
        {
            var memo = new Dictionary<Value, ShapeVector?>();
            foreach (Node node in graph.Nodes.ToList())
            {
                if (node.IsRemoved || !node.IsDefaultDomain)
                {
                    continue;
                }

                if (node.OpType == "Reshape")
                {
                    FoldReshapeTarget(graph, node, memo);
                }

                if (node.Outputs.Count == 1 && node.Outputs[0] is { IsGraphOutput: false } output
                    && node.OpType is "Shape" or "Gather" or "Unsqueeze" or "Squeeze" or "Concat" or "Slice" or "Cast"
                    && Vector(output, memo) is { IsConstant: true } vec)
                {
                    ConstantFolding.ReplaceByInitializer(graph, node, vec.ToTensor());
                    memo.Clear();
                }
            }
        }
    }

    private static void FoldReshapeTarget(Graph graph, Node reshape, Dictionary<Value, ShapeVector?> memo)
    {
        if (reshape.Input(1) is not { } target || ConstantValues.IsFixed(target) || reshape.GetInt("allowzero", 0) != 0)
        {
            return;
        }

        if (Vector(target, memo) is not { IsScalar: false } vec)
        {
            return;
        }

        var values = new long[vec.Elements.Length];
        for (int p = 0; p < values.Length; p++)
        {
            SymbolicDim e = vec.Elements[p];
            if (e.Const is long c)
            {
                values[p] = c;
            }
            else if (e.Of == reshape.Input(0) && e.Axis == p)
            {
                values[p] = 0;
            }
            else
            {
                return;
            }
        }

        Value constant = graph.AddConstant(target.Name + "_static", TensorData.FromInt64s([values.Length], values));
        graph.SetInput(reshape, 1, constant);
    }

    /// <summary>The elements of an integer scalar or 1-D value, when the graph computes them from shapes and constants.</summary>
    private static ShapeVector? Vector(Value v, Dictionary<Value, ShapeVector?> memo)
    {
        if (memo.TryGetValue(v, out ShapeVector? known))
        {
            return known;
        }

        memo[v] = null; // cycles cannot happen in a valid graph, but a bad one must not recurse forever
        ShapeVector? result = Compute(v, memo);
        memo[v] = result;
        return result;
    }

    private static ShapeVector? Compute(Value v, Dictionary<Value, ShapeVector?> memo)
    {
        if (ConstantValues.IsFixed(v))
        {
            TensorData t = v.Initializer!;
            if (t.ElementType is not (ElementType.Int64 or ElementType.Int32) || t.Dims.Length > 1 || t.ElementCount > 64)
            {
                return null;
            }

            return new ShapeVector([.. t.ToInt64s().Select(SymbolicDim.Known)], t.Dims.Length == 0, t.ElementType);
        }

        if (v.Producer is not Node n || !n.IsDefaultDomain)
        {
            return null;
        }

        switch (n.OpType)
        {
            case "Shape":
                return ShapeOf(n);
            case "Identity":
                return n.Input(0) is { } src ? Vector(src, memo) : null;
            case "Cast":
                var to = (ElementType)n.GetInt("to", 0);
                return to is ElementType.Int64 or ElementType.Int32 && n.Input(0) is { } cs && Vector(cs, memo) is { } cv
                    && (to == ElementType.Int64 || cv.Elements.All(e => e.Const is null or (>= int.MinValue and <= int.MaxValue)))
                    ? cv with { Type = to } : null;
            case "Gather":
                return Gather(n, memo);
            case "Unsqueeze":
                return n.Input(0) is { } us && Vector(us, memo) is { IsScalar: true } uv && IsAxisZero(n, n.Input(1)) ? uv with { IsScalar = false } : null;
            case "Squeeze":
                return n.Input(0) is { } sq && Vector(sq, memo) is { IsScalar: false, Elements.Length: 1 } sv ? sv with { IsScalar = true } : null;
            case "Concat":
                return Concat(n, memo);
            case "Slice":
                return Slice(n, memo);
            default:
                return null;
        }
    }

    private static ShapeVector? ShapeOf(Node shapeNode)
    {
        if (shapeNode.Input(0) is not { Shape: TensorShape s } x)
        {
            return null;
        }

        int rank = s.Rank;
        long start = shapeNode.GetInt("start", 0);
        long end = shapeNode.GetInt("end", rank);
        int from = (int)Math.Clamp(start < 0 ? start + rank : start, 0, rank);
        int to = (int)Math.Clamp(end < 0 ? end + rank : end, 0, rank);
        var elements = ImmutableArray.CreateBuilder<SymbolicDim>();
        for (int i = from; i < to; i++)
        {
            elements.Add(s[i].Value is long d ? SymbolicDim.Known(d) : SymbolicDim.DimOf(x, i));
        }

        return new ShapeVector(elements.ToImmutable(), false, ElementType.Int64);
    }

    private static ShapeVector? Gather(Node n, Dictionary<Value, ShapeVector?> memo)
    {
        if (n.GetInt("axis", 0) != 0 || !ConstantValues.IsFixed(n.Input(1)) || n.Input(1) is not { } idx || idx.Initializer!.Dims.Length > 1
            || idx.Initializer.ElementType is not (ElementType.Int64 or ElementType.Int32))
        {
            return null;
        }

        long[] indices = idx.Initializer.ToInt64s();
        bool scalar = idx.Initializer.Dims.Length == 0;
        Value data = n.Input(0)!;

        // Shape of a tensor whose rank is unknown still has dim i at index i >= 0.
        if (data.Producer is { OpType: "Shape" } sp && sp.Input(0) is { Shape: null } x && sp.Attribute("start") is null && indices.All(i => i >= 0))
        {
            return new ShapeVector([.. indices.Select(i => SymbolicDim.DimOf(x, (int)i))], scalar, ElementType.Int64);
        }

        if (Vector(data, memo) is not { IsScalar: false } vec)
        {
            return null;
        }

        var elements = ImmutableArray.CreateBuilder<SymbolicDim>();
        foreach (long raw in indices)
        {
            long i = raw < 0 ? raw + vec.Elements.Length : raw;
            if (i < 0 || i >= vec.Elements.Length)
            {
                return null;
            }

            elements.Add(vec.Elements[(int)i]);
        }

        return new ShapeVector(elements.ToImmutable(), scalar, vec.Type);
    }

    private static ShapeVector? Concat(Node n, Dictionary<Value, ShapeVector?> memo)
    {
        if (n.GetInt("axis", 0) is not (0 or -1))
        {
            return null;
        }

        var elements = ImmutableArray.CreateBuilder<SymbolicDim>();
        ElementType type = ElementType.Undefined;
        foreach (Value? input in n.Inputs)
        {
            if (input is null || Vector(input, memo) is not { IsScalar: false } part || (type != ElementType.Undefined && part.Type != type))
            {
                return null;
            }

            type = part.Type;
            elements.AddRange(part.Elements);
        }

        return type == ElementType.Undefined ? null : new ShapeVector(elements.ToImmutable(), false, type);
    }

    private static ShapeVector? Slice(Node n, Dictionary<Value, ShapeVector?> memo)
    {
        if (n.Input(0) is not { } data || Vector(data, memo) is not { IsScalar: false } vec)
        {
            return null;
        }

        long[]? starts = Ints(n, "starts", 1);
        long[]? ends = Ints(n, "ends", 2);
        long[]? steps = n.Input(4) is null ? [1] : Ints(n, "steps", 4);
        long[]? axes = n.Input(3) is null && n.GetInts("axes") is null ? [0] : Ints(n, "axes", 3);
        if (starts is not [long start] || ends is not [long end] || steps is not [long step] || axes is not [0 or -1] || step == 0)
        {
            return null;
        }

        (long b, long e) = ConstantEvaluator.SliceBounds(start, end, step, vec.Elements.Length);
        var elements = ImmutableArray.CreateBuilder<SymbolicDim>();
        for (long i = b; step > 0 ? i < e : i > e; i += step)
        {
            elements.Add(vec.Elements[(int)i]);
        }

        return vec with { Elements = elements.ToImmutable() };
    }

    private static long[]? Ints(Node n, string attribute, int input)
    {
        if (n.GetInts(attribute) is { } a)
        {
            return [.. a];
        }

        return ConstantValues.TryGetInts(n.Input(input));
    }

    private static bool IsAxisZero(Node n, Value? axesInput)
    {
        long[]? axes = n.GetInts("axes") is { } a ? [.. a] : ConstantValues.TryGetInts(axesInput);
        return axes is [0] or [-1];
    }
}
