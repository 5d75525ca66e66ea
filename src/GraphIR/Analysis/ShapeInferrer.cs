// The inference walk: visits nodes in order, computes each output's type and merges it into what the model declares.
using System.Collections.Immutable;
using Onnxc.GraphIR.Schema;

namespace Onnxc.GraphIR.Analysis;

/// <summary>
/// One inference run over a graph tree at one opset version. Per node it computes the output element types (from
/// the schema's type variables, or op-specific rules) and shapes (op-specific, in the partial files by op family),
/// and tracks <see cref="ShapeValue"/>s of small integer tensors so shape arithmetic resolves.
/// </summary>
internal sealed partial class ShapeInferrer
{
    private readonly long _opset;
    private readonly Dictionary<Value, ShapeValue> _values = [];

    /// <summary>Functions whose bodies are being inferred for a call, outermost first (guards against recursion).</summary>
    private readonly HashSet<FunctionDef> _activeCalls;

    public ShapeInferrer(long opset)
        : this(opset, [])
    {
    }

    private ShapeInferrer(long opset, HashSet<FunctionDef> activeCalls)
    {
        _opset = opset;
        _activeCalls = activeCalls;
    }

    /// <summary>Infers every node in order; initializers' shape values are read when first used (<see cref="ValueOf"/>).</summary>
    public void InferGraph(Graph graph)
    {
        foreach (Node node in graph.Nodes)
        {
            InferNode(node);
        }
    }

    /// <summary>
    /// Types one node's outputs. A model-local function defines its op most specifically, then a rule registered in
    /// <see cref="OpInferenceRules"/> (which replaces a built-in op's inference), then the built-in ops.
    /// </summary>
    internal void InferNode(Node node)
    {
        if (!node.IsDefaultDomain && node.Graph.Model.FindFunction(node.Domain, node.OpType, node.Overload) is { } function)
        {
            InferSubgraphsPlain(node);
            InferFunctionCall(node, function);
            return;
        }

        if (OpInferenceRules.Find(node.Domain, node.OpType) is { } rule)
        {
            InferSubgraphsPlain(node);
            InferByRule(node, rule);
            return;
        }

        if (!node.IsDefaultDomain)
        {
            InferSubgraphsPlain(node);
            return;
        }

        int n = node.Outputs.Count;
        var types = new ElementType[n];
        var shapes = new TensorShape?[n];
        SchemaElementTypes(node, types);
        bool hasRefs = node.Attributes.Any(a => a.RefAttrName is not null);
        if (!hasRefs)
        {
            try
            {
                InferOp(node, types, shapes);
            }
            catch (Exception e) when (IsMalformedNode(e))
            {
                // A malformed node (bad axis, perm, sizes; the verifier reports it) gets no shape, only its types.
                Array.Clear(shapes);
            }
        }
        else
        {
            InferSubgraphsPlain(node);
        }

        for (int i = 0; i < n; i++)
        {
            if (node.Outputs[i] is { } output && (types[i] != ElementType.Undefined || shapes[i] is not null))
            {
                MergeInto(output, new TensorType(types[i], shapes[i]));
            }
        }

        if (!hasRefs)
        {
            try
            {
                PropagateValues(node);
            }
            catch (Exception e) when (IsMalformedNode(e))
            {
                // No shape value for a malformed node.
            }
        }
    }

    private void InferByRule(Node node, OpInferenceRule rule)
    {
        var context = new OpInferenceContext(node, _opset, ConstInts);
        try
        {
            rule(context);
        }
        catch (Exception e) when (IsMalformedNode(e))
        {
            // A rule that throws on a node it does not understand leaves that node untyped, like a malformed built-in.
            return;
        }

        for (int i = 0; i < node.Outputs.Count; i++)
        {
            if (node.Outputs[i] is { } output && context.Result(i) is { } type)
            {
                MergeInto(output, type);
            }
        }
    }

    private static bool IsMalformedNode(Exception e) => e is ArgumentException or InvalidOperationException or OverflowException
        or IndexOutOfRangeException or NotSupportedException or DivideByZeroException;

    /// <summary>Dispatches to the op families; each sets the shapes (and special element types) it knows.</summary>
    private void InferOp(Node node, ElementType[] types, TensorShape?[] shapes)
    {
        switch (node.OpType)
        {
            case "Identity":
                // Identity also passes sequences and optionals: copy the whole type.
                if (node.Input(0)?.Type is { } t && t is not TensorType && node.Output(0) is { Type: null } o)
                {
                    Graph.SetInferredType(o, t);
                }

                shapes[0] = ShapeOf(node.Input(0));
                return;
            case "If" or "Loop" or "Scan":
                InferControlFlow(node, types, shapes);
                return;
        }

        if (InferElementwise(node, types, shapes) || InferNeuralNetwork(node, types, shapes) || InferQuantized(node, types, shapes)
            || InferShapeOps(node, types, shapes) || InferIndexing(node, types, shapes))
        {
            return;
        }

        InferSubgraphsPlain(node);
    }

    /// <summary>
    /// A call of a model-local function: its body is inferred with the call's input types (and its own opset), the
    /// body outputs' types become the call's, and the body's types are then put back as they were, since one body
    /// serves calls of different types. Attributes the body references stay unknown, so nodes using them give types
    /// only.
    /// </summary>
    private void InferFunctionCall(Node node, FunctionDef function)
    {
        if (!_activeCalls.Add(function))
        {
            return;
        }

        Graph body = function.Body;
        var saved = body.SelfAndSubgraphs().SelectMany(g => g.Values).Select(v => (Value: v, v.Type, v.TypeIsInferred)).ToList();
        try
        {
            for (int i = 0; i < body.Inputs.Count && i < node.Inputs.Count; i++)
            {
                if (node.Inputs[i]?.TensorType is { } t)
                {
                    MergeInto(body.Inputs[i], t);
                }
            }

            long opset = function.Opsets.FirstOrDefault(o => o.IsDefaultDomain)?.Version ?? _opset;
            new ShapeInferrer(opset, _activeCalls).InferGraph(body);
            for (int i = 0; i < node.Outputs.Count && i < body.Outputs.Count; i++)
            {
                if (node.Outputs[i] is { } output && body.Outputs[i].TensorType is { } result)
                {
                    MergeInto(output, result);
                }
            }
        }
        finally
        {
            foreach ((Value v, IrType? type, bool inferred) in saved)
            {
                if (inferred)
                {
                    Graph.SetInferredType(v, type);
                }
                else
                {
                    Graph.SetType(v, type);
                }
            }

            _activeCalls.Remove(function);
        }
    }

    /// <summary>Visits subgraphs of an op whose outputs it cannot type, so their insides are still inferred.</summary>
    private void InferSubgraphsPlain(Node node)
    {
        foreach (Graph sub in node.Subgraphs)
        {
            InferGraph(sub);
        }
    }

    /// <summary>Output element types from the schema: an output shares its type variable's type with the inputs.</summary>
    private static void SchemaElementTypes(Node node, ElementType[] types)
    {
        OpSchema? schema = OpSchemas.Find(node.Domain, node.OpType);
        if (schema is null)
        {
            return;
        }

        for (int o = 0; o < types.Length; o++)
        {
            string? variable = schema.OutputTypeVariable(o);
            if (variable is null or "_")
            {
                continue;
            }

            for (int i = 0; i < node.Inputs.Count; i++)
            {
                if (schema.InputTypeVariable(i) == variable && node.Inputs[i]?.ElementType is { } et && et != ElementType.Undefined)
                {
                    types[o] = et;
                    break;
                }
            }

            if (types[o] == ElementType.Undefined && schema.Allowed(variable) is { Length: 1 } only)
            {
                types[o] = only[0];
            }
        }
    }

    /// <summary>
    /// Writes what inference found. An unknown type, or one an earlier inference derived, takes the new result where
    /// it knows more (a known dim replaces a stale one: after a weight shrinks, the new channel count wins). A declared
    /// type is never made less specific, and a declared dimension that conflicts with the inferred one is kept.
    /// </summary>
    private static void MergeInto(Value value, TensorType inferred)
    {
        if (value.Type is null or UnknownType)
        {
            Graph.SetInferredType(value, inferred);
            return;
        }

        if (value.Type is not TensorType declared)
        {
            return;
        }

        if (value.TypeIsInferred)
        {
            TensorType fresh = new(
                inferred.ElementType != ElementType.Undefined ? inferred.ElementType : declared.ElementType,
                Merge(newer: inferred.Shape, older: declared.Shape, newerWins: true)) { Denotation = declared.Denotation };
            if (fresh != declared)
            {
                Graph.SetInferredType(value, fresh);
            }

            return;
        }

        ElementType et = declared.ElementType != ElementType.Undefined ? declared.ElementType : inferred.ElementType;
        var merged = new TensorType(et, Merge(newer: inferred.Shape, older: declared.Shape, newerWins: false)) { Denotation = declared.Denotation };
        if (merged != declared)
        {
            Graph.SetType(value, merged);
        }
    }

    /// <summary>
    /// Dims of two shapes of one value. Where only one is known, it is taken; where both are known and differ,
    /// <paramref name="newerWins"/> decides. A shape of another rank: the newer when it wins, else the older.
    /// </summary>
    private static TensorShape? Merge(TensorShape? newer, TensorShape? older, bool newerWins)
    {
        if (older is null)
        {
            return newer;
        }

        if (newer is null)
        {
            return older;
        }

        if (newer.Rank != older.Rank)
        {
            return newerWins ? newer : older;
        }

        var dims = new Dim[older.Rank];
        for (int i = 0; i < dims.Length; i++)
        {
            Dim d = older[i];
            Dim x = newer[i];
            Dim winner = newerWins ? x : d;
            Dim other = newerWins ? d : x;
            dims[i] = winner.IsKnown ? winner with { Denotation = d.Denotation }
                : other.IsKnown ? other with { Denotation = d.Denotation }
                : winner.Param is not null ? winner
                : other;
        }

        return new TensorShape([.. dims]);
    }

    // ----- helpers shared by the op families -----

    private static TensorShape? ShapeOf(Value? v) => v?.Shape;

    private static int? RankOf(Value? v) => v?.Shape?.Rank;

    private static long Int(Node node, string name, long defaultValue) => node.GetInt(name, defaultValue);

    private static long[]? Ints(Node node, string name) => node.GetInts(name) is { } a ? [.. a] : null;

    private static TensorShape Shape(IEnumerable<Dim> dims) => new([.. dims]);

    /// <summary>Normalizes a possibly negative axis against <paramref name="rank"/>; throws when out of range.</summary>
    private static int Axis(long axis, int rank)
    {
        long a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= rank)
        {
            throw new ArgumentException($"axis {axis} out of range for rank {rank}");
        }

        return (int)a;
    }

    /// <summary>Constant data of a value: an initializer or the output of a Constant node.</summary>
    private static TensorData? ConstData(Value? v)
    {
        if (v is null)
        {
            return null;
        }

        if (v.Initializer is { } init)
        {
            // External data stays on disk: shape-defining constants are small and kept inline by exporters.
            return init.IsExternal ? null : init;
        }

        if (v.Producer is { OpType: "Constant" } c && c.IsDefaultDomain)
        {
            return ConstantNodeTensor(c);
        }

        return null;
    }

    /// <summary>The tensor a Constant node defines, from whichever value_* attribute it has (sparse: null).</summary>
    private static TensorData? ConstantNodeTensor(Node c)
    {
        foreach (NodeAttribute a in c.Attributes)
        {
            switch (a.Name)
            {
                case "value" when a.T is not null:
                    return a.T;
                case "value_float":
                    return TensorData.Scalar(a.F);
                case "value_floats":
                    return TensorData.FromFloats([a.Floats.Length], [.. a.Floats]);
                case "value_int":
                    return TensorData.Scalar(a.I);
                case "value_ints":
                    return TensorData.FromInt64s([a.Ints.Length], [.. a.Ints]);
            }
        }

        return null;
    }

    /// <summary>The constant integer elements of a value (from data or a fully known shape value), or null.</summary>
    private long[]? ConstInts(Value? v)
    {
        if (ValueOf(v) is { } sv)
        {
            return sv.Known;
        }

        return ConstData(v) is { } data && IsIntegerData(data) && data.ElementCount <= 1 << 16 ? ExactInts(data) : null;
    }

    private static float[]? ConstFloats(Value? v) =>
        ConstData(v) is { } data && data.ElementType.IsFloatingPoint() && data.ElementType.BitsPerElement() >= 16 && data.ElementCount <= 1 << 16
            ? data.ToFloats()
            : null;

    /// <summary>
    /// The shape value of <paramref name="v"/>: one the walk computed, or that of its initializer data, read on first
    /// use (so an initializer a <see cref="GraphBuilder"/> adds after the walk began is seen too).
    /// </summary>
    private ShapeValue? ValueOf(Value? v)
    {
        if (v is null)
        {
            return null;
        }

        if (_values.TryGetValue(v, out ShapeValue? sv))
        {
            return sv;
        }

        if (v.Initializer is { } data && FromTensor(data) is { } fromData)
        {
            _values[v] = fromData;
            return fromData;
        }

        return null;
    }

    private static bool IsIntegerData(TensorData data) =>
        (data.ElementType.IsInteger() || data.ElementType == ElementType.Bool) && data.ElementType.BitsPerElement() >= 8
        && data.ElementType != ElementType.UInt64;

    /// <summary>A shape value for small integer data (and integral float data, as shape math casts).</summary>
    private static ShapeValue? FromTensor(TensorData data)
    {
        if (data.ElementCount > ShapeValue.MaxItems || data.IsExternal)
        {
            return null;
        }

        if (IsIntegerData(data))
        {
            return ShapeValue.Of(ExactInts(data), data.Dims);
        }

        if (data.ElementType is ElementType.Float or ElementType.Double)
        {
            double[] d = data.ToDoubles();
            if (d.All(x => x == Math.Floor(x) && Math.Abs(x) < 1e15))
            {
                return ShapeValue.Of(d.Select(x => (long)x), data.Dims);
            }
        }

        return null;
    }

    /// <summary>Integer elements read exactly (TensorData.ToInt64s goes through double, which rounds past 2^53).</summary>
    internal static long[] ExactInts(TensorData data) => data.ElementType switch
    {
        ElementType.Int64 => data.AsSpan<long>().ToArray(),
        ElementType.Int32 => [.. data.AsSpan<int>().ToArray().Select(v => (long)v)],
        ElementType.UInt32 => [.. data.AsSpan<uint>().ToArray().Select(v => (long)v)],
        _ => data.ToInt64s(),
    };
}
