// Deep copies of IR models, graph by graph, with the map from every source value to its copy.
namespace Onnxc.GraphIR;

/// <summary>
/// Copies a model's graphs (the main graph, every subgraph of If/Loop/Scan, every function body), nodes and values
/// in place of an ONNX round trip: nothing is serialized, and the caller gets the value map it needs to carry
/// per-value facts (calibration ranges, plans) from the original onto the copy. Tensors, types and attributes are
/// immutable and shared; graphs, nodes and values are new. Values are created in the order an import makes them
/// (initializers, inputs, then node outputs in node order), so passes that walk a graph's values see the copy as
/// they would see the saved and reloaded model. Whether a type was declared or inferred is kept.
/// </summary>
internal sealed class ModelCloner
{
    private readonly Model _target;
    private readonly Dictionary<Value, Value> _values = [];

    private ModelCloner(Model target)
    {
        _target = target;
    }

    public static Model Clone(Model source, out IReadOnlyDictionary<Value, Value> values)
    {
        var target = new Model(source.Graph.Name)
        {
            IrVersion = source.IrVersion,
            ProducerName = source.ProducerName,
            ProducerVersion = source.ProducerVersion,
            Domain = source.Domain,
            ModelVersion = source.ModelVersion,
            DocString = source.DocString,
            Metadata = source.Metadata,
            TrainingInfo = source.TrainingInfo,
            DeviceConfigurations = source.DeviceConfigurations,
            UnknownFields = source.UnknownFields,
        };
        target.SetOpsets(source.Opsets);

        var cloner = new ModelCloner(target);
        foreach (FunctionDef f in source.Functions)
        {
            target.AddFunction(cloner.CloneFunction(f));
        }

        cloner.Fill(source.Graph, target.Graph);
        values = cloner._values;
        return target;
    }

    private FunctionDef CloneFunction(FunctionDef f)
    {
        Graph body = _target.CreateGraph(f.Body.Name);
        Fill(f.Body, body);
        return new FunctionDef(f.Domain, f.Name, body)
        {
            Overload = f.Overload,
            AttributeNames = f.AttributeNames,
            AttributeDefaults = [.. f.AttributeDefaults.Select(CloneAttribute)],
            Opsets = f.Opsets,
            DocString = f.DocString,
            Metadata = f.Metadata,
            UnknownFields = f.UnknownFields,
        };
    }

    private void Fill(Graph source, Graph target)
    {
        target.DocString = source.DocString;
        target.Metadata = source.Metadata;
        target.QuantizationAnnotations = source.QuantizationAnnotations;
        target.UnknownFields = source.UnknownFields;

        foreach (Value init in source.Initializers)
        {
            Value copy = init.Initializer is { } data
                ? target.AddInitializer(init.Name, data)
                : target.AddSparseInitializer(init.Name, init.SparseInitializer!, init.Type);
            Define(init, copy);
        }

        foreach (Value input in source.Inputs)
        {
            if (_values.TryGetValue(input, out Value? initializer))
            {
                target.AddInput(initializer);
            }
            else
            {
                Define(input, target.AddInput(input.Name, input.Type));
            }
        }

        foreach (Node node in source.Nodes)
        {
            // Subgraphs first: their nodes may read values of this graph defined above, which are mapped by now.
            var attributes = node.Attributes.Select(CloneAttribute).ToList();
            Node copy = target.AddNode(node.OpType, [.. node.Inputs.Select(MapOrNull)], [.. node.Outputs.Select(o => o?.Name)], attributes, node.Domain, node.Name);
            copy.Overload = node.Overload;
            copy.DocString = node.DocString;
            copy.Metadata = node.Metadata;
            copy.DeviceConfigurations = node.DeviceConfigurations;
            copy.UnknownFields = node.UnknownFields;
            for (int i = 0; i < node.Outputs.Count; i++)
            {
                if (node.Outputs[i] is { } output)
                {
                    Define(output, copy.Outputs[i]!);
                }
            }
        }

        foreach (Value output in source.Outputs)
        {
            target.AddOutput(Map(output));
        }
    }

    private NodeAttribute CloneAttribute(NodeAttribute a)
    {
        if (a.G is null && a.Graphs.IsEmpty)
        {
            return a;
        }

        return a with
        {
            G = a.G is null ? null : CloneSubgraph(a.G),
            Graphs = [.. a.Graphs.Select(CloneSubgraph)],
        };
    }

    private Graph CloneSubgraph(Graph source)
    {
        Graph copy = _target.CreateGraph(source.Name);
        Fill(source, copy);
        return copy;
    }

    private void Define(Value source, Value copy)
    {
        copy.Type = source.Type;
        copy.TypeIsInferred = source.TypeIsInferred;
        copy.DocString = source.DocString;
        copy.Metadata = source.Metadata;
        copy.ValueInfoUnknownFields = source.ValueInfoUnknownFields;
        copy.HadValueInfo = source.HadValueInfo;
        _values[source] = copy;
    }

    private Value? MapOrNull(Value? v) => v is null ? null : Map(v);

    private Value Map(Value v) => _values.TryGetValue(v, out Value? copy)
        ? copy
        : throw new InvalidOperationException($"{v} is read before it is defined (graph '{v.Graph.Name}' is not in topological order); sort it before copying");
}
