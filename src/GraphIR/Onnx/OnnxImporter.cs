// Reads ONNX files into the IR: model, graphs, nodes and values (tensors and types in the partial files).
using System.Collections.Immutable;
using Google.Protobuf;

namespace Onnxc.GraphIR.Onnx;

/// <summary>
/// ONNX to IR. Lossless: everything the schema knows is kept (fields the IR does not model are carried as their
/// serialized messages), and unknown fields survive. Structural errors that make a model unreadable (an input
/// naming no value, a value defined twice, bad tensor data, unsafe external data) are reported here as
/// <see cref="InvalidModelException"/> naming the file and node; the rest is the verifier's job.
/// </summary>
public static partial class OnnxImporter
{
    /// <summary>Protobuf cannot represent a message of 2 GiB or more.</summary>
    private const long MaxProtoBytes = int.MaxValue;

    /// <summary>Loads a model file; external data stays on disk until read. Throws <see cref="InvalidModelException"/>.</summary>
    public static Model Load(string path)
    {
        ModelProto proto = ReadProto(path);
        string directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        try
        {
            return FromProto(proto, directory, path);
        }
        catch (InvalidModelException e)
        {
            throw e.InFile(path);
        }
    }

    /// <summary>Parses the file as a ModelProto, turning every way that can fail into one clear message.</summary>
    public static ModelProto ReadProto(string path)
    {
        if (Directory.Exists(path))
        {
            throw new InvalidModelException("is a directory, not an ONNX model file", path);
        }

        if (!File.Exists(path))
        {
            throw new InvalidModelException("no such file", path);
        }

        long length = new FileInfo(path).Length;
        if (length == 0)
        {
            throw new InvalidModelException("the file is empty", path);
        }

        if (length > MaxProtoBytes)
        {
            throw new InvalidModelException("the file is larger than protobuf's 2 GiB limit; large weights belong in external data", path);
        }

        ModelProto proto;
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
            proto = ModelProto.Parser.ParseFrom(stream);
        }
        catch (InvalidProtocolBufferException e)
        {
            string why = e.Message.Contains("ended unexpectedly", StringComparison.Ordinal) || e.Message.Contains("truncated", StringComparison.OrdinalIgnoreCase)
                ? "truncated file or not an ONNX model (the protobuf data ends early)"
                : "not an ONNX model (invalid protobuf: " + e.Message.TrimEnd('.') + ")";
            throw new InvalidModelException(why, path, inner: e);
        }
        catch (IOException e)
        {
            throw new InvalidModelException("cannot read the file: " + e.Message, path, inner: e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new InvalidModelException("cannot read the file: " + e.Message, path, inner: e);
        }

        // Many byte strings parse as *some* protobuf message; a model has a graph and an IR version.
        if (proto.Graph is null || !proto.HasIrVersion || proto.IrVersion <= 0)
        {
            throw new InvalidModelException("not an ONNX model (no graph or no ir_version)", path);
        }

        return proto;
    }

    /// <summary>Converts a parsed ModelProto; <paramref name="baseDirectory"/> resolves external data.</summary>
    public static Model FromProto(ModelProto proto, string? baseDirectory = null, string? filePath = null)
    {
        var context = new ImportContext(baseDirectory, filePath);
        var model = new Model(proto.Graph?.Name ?? "main")
        {
            IrVersion = proto.IrVersion,
            ProducerName = proto.HasProducerName ? proto.ProducerName : null,
            ProducerVersion = proto.HasProducerVersion ? proto.ProducerVersion : null,
            Domain = proto.HasDomain ? proto.Domain : null,
            ModelVersion = proto.HasModelVersion ? proto.ModelVersion : null,
            DocString = proto.HasDocString ? proto.DocString : null,
            Metadata = Metadata(proto.MetadataProps),
            TrainingInfo = [.. proto.TrainingInfo.Select(t => t.ToByteString())],
            DeviceConfigurations = [.. proto.Configuration.Select(c => c.ToByteString())],
            UnknownFields = OnnxUnknownFields.Extract(proto),
        };
        model.SetOpsets(proto.OpsetImport.Select(ConvertOpset));

        foreach (FunctionProto f in proto.Functions)
        {
            model.AddFunction(ConvertFunction(model, f, context));
        }

        if (proto.Graph is not null)
        {
            ConvertGraph(proto.Graph, model.Graph, context);
        }

        return model;
    }

    private static OpsetImport ConvertOpset(OperatorSetIdProto o) => new(o.Domain ?? string.Empty, o.Version);

    internal static ImmutableArray<KeyValuePair<string, string>> Metadata(IEnumerable<StringStringEntryProto> entries) =>
        [.. entries.Select(e => new KeyValuePair<string, string>(e.Key ?? string.Empty, e.Value ?? string.Empty))];

    private static FunctionDef ConvertFunction(Model model, FunctionProto f, ImportContext context)
    {
        Graph body = model.CreateGraph(f.Name);
        foreach (string input in f.Input)
        {
            body.AddInput(input, null);
        }

        ConvertNodes(f.Node, body, context);
        ApplyValueInfo(f.ValueInfo, body, context);
        foreach (string output in f.Output)
        {
            body.AddOutput(body.Resolve(output)
                ?? throw new InvalidModelException($"function '{f.Name}' output '{output}' is not produced by any node"));
        }

        return new FunctionDef(f.Domain ?? string.Empty, f.Name ?? string.Empty, body)
        {
            Overload = f.HasOverload ? f.Overload : null,
            AttributeNames = [.. f.Attribute],
            AttributeDefaults = [.. f.AttributeProto.Select(a => ConvertAttribute(a, null, model, context))],
            Opsets = [.. f.OpsetImport.Select(ConvertOpset)],
            DocString = f.HasDocString ? f.DocString : null,
            Metadata = Metadata(f.MetadataProps),
            UnknownFields = OnnxUnknownFields.Extract(f),
        };
    }

    /// <summary>Fills <paramref name="graph"/> (already created, with its parent node set for subgraphs).</summary>
    private static void ConvertGraph(GraphProto proto, Graph graph, ImportContext context)
    {
        graph.DocString = proto.HasDocString ? proto.DocString : null;
        graph.Metadata = Metadata(proto.MetadataProps);
        graph.QuantizationAnnotations = [.. proto.QuantizationAnnotation.Select(q => q.ToByteString())];
        graph.UnknownFields = OnnxUnknownFields.Extract(proto);

        foreach (TensorProto t in proto.Initializer)
        {
            if (string.IsNullOrEmpty(t.Name))
            {
                throw new InvalidModelException($"graph '{graph.Name}' has an initializer without a name");
            }

            Define(graph, t.Name, () => graph.AddInitializer(t.Name, ConvertTensor(t, context)));
        }

        foreach (SparseTensorProto s in proto.SparseInitializer)
        {
            string name = s.Values?.Name ?? string.Empty;
            IrType? type = s.Values is null ? null : new TensorType((ElementType)s.Values.DataType, new TensorShape([.. s.Dims]));
            Define(graph, name, () => graph.AddSparseInitializer(name, s.ToByteString(), type));
        }

        foreach (ValueInfoProto input in proto.Input)
        {
            IrType? type = input.Type is null ? null : ConvertType(input.Type);
            Value? existing = graph.FindValue(input.Name);
            Value v;
            if (existing is not null && existing.IsInitializer && !existing.IsGraphInput)
            {
                graph.AddInput(existing);
                v = existing;
                if (type is not null)
                {
                    Graph.SetType(v, type);
                }
            }
            else
            {
                v = Define(graph, input.Name, () => graph.AddInput(input.Name, type));
            }

            Graph.SetValueInfo(v, input.HasDocString ? input.DocString : null, Metadata(input.MetadataProps), OnnxUnknownFields.Extract(input));
        }

        ConvertNodes(proto.Node, graph, context);
        ApplyValueInfo(proto.ValueInfo, graph, context);

        foreach (ValueInfoProto output in proto.Output)
        {
            Value v = graph.Resolve(output.Name)
                ?? throw new InvalidModelException($"graph output '{output.Name}' is not produced by any node, input or initializer");
            graph.AddOutput(v);
            if (output.Type is not null)
            {
                Graph.SetType(v, ConvertType(output.Type));
            }

            if (v.Graph == graph)
            {
                Graph.SetValueInfo(v, output.HasDocString ? output.DocString : null, Metadata(output.MetadataProps), OnnxUnknownFields.Extract(output));
            }
        }
    }

    private static void ApplyValueInfo(IEnumerable<ValueInfoProto> infos, Graph graph, ImportContext context)
    {
        foreach (ValueInfoProto info in infos)
        {
            // value_info naming no value of this graph describes nothing; it is dropped.
            if (graph.FindValue(info.Name) is { } v)
            {
                if (info.Type is not null)
                {
                    Graph.SetType(v, ConvertType(info.Type));
                }

                Graph.SetValueInfo(v, info.HasDocString ? info.DocString : null, Metadata(info.MetadataProps), OnnxUnknownFields.Extract(info));
                context.ValueInfoNames.Add(v);
            }
        }
    }

    /// <summary>
    /// Two passes: first every node and the values it defines, then inputs and attributes. Resolving inputs after all
    /// outputs exist lets a read-before-definition (a cycle, or nodes out of order) be reported by the verifier as
    /// what it is, rather than as an undefined value.
    /// </summary>
    private static void ConvertNodes(IEnumerable<NodeProto> protos, Graph graph, ImportContext context)
    {
        var pairs = new List<(NodeProto Proto, Node Node)>();
        foreach (NodeProto p in protos)
        {
            string label = Describe(p);
            var outputs = p.Output.Select(o => string.IsNullOrEmpty(o) ? null : o).ToArray();
            foreach (string? o in outputs)
            {
                if (o is not null && graph.FindValue(o) is { } clash)
                {
                    string other = clash.Producer is { } producer ? $"node {producer.Describe()}" : clash.IsInitializer ? "an initializer" : "a graph input";
                    throw new InvalidModelException($"value '{o}' is defined twice: also by {other}", node: label);
                }
            }

            Node node = graph.AddNode(p.OpType ?? string.Empty, [], outputs, null, p.Domain ?? string.Empty, p.Name ?? string.Empty);
            graph.SetNodeInfo(node, docString: p.HasDocString ? p.DocString : null, overload: p.HasOverload ? p.Overload : null);
            SetNodeExtras(node, Metadata(p.MetadataProps), [.. p.DeviceConfigurations.Select(d => d.ToByteString())], OnnxUnknownFields.Extract(p));
            pairs.Add((p, node));
        }

        foreach ((NodeProto p, Node node) in pairs)
        {
            for (int i = 0; i < p.Input.Count; i++)
            {
                string name = p.Input[i];
                Value? v = null;
                if (!string.IsNullOrEmpty(name))
                {
                    v = graph.Resolve(name) ?? throw new InvalidModelException($"input '{name}' is not defined by any node, graph input or initializer", node: node.Describe());
                }

                graph.SetInput(node, i, v);
            }

            foreach (AttributeProto a in p.Attribute)
            {
                NodeAttribute attribute;
                try
                {
                    attribute = ConvertAttribute(a, node, graph.Model, context);
                }
                catch (InvalidModelException e) when (e.Node is null)
                {
                    throw new InvalidModelException($"attribute '{a.Name}': {e.Detail}", node: node.Describe(), inner: e);
                }

                graph.SetAttribute(node, attribute);
            }
        }
    }

    private static void SetNodeExtras(Node node, ImmutableArray<KeyValuePair<string, string>> metadata, ImmutableArray<ByteString> devices, ReadOnlyMemory<byte> unknown)
    {
        node.Metadata = metadata;
        node.DeviceConfigurations = devices;
        node.UnknownFields = unknown;
    }

    private static Value Define(Graph graph, string name, Func<Value> create)
    {
        if (graph.FindValue(name) is not null)
        {
            throw new InvalidModelException($"value '{name}' is defined twice in graph '{graph.Name}'");
        }

        return create();
    }

    private static string Describe(NodeProto p)
    {
        if (!string.IsNullOrEmpty(p.Name))
        {
            return $"'{p.Name}' ({p.OpType})";
        }

        string? first = p.Output.FirstOrDefault(o => !string.IsNullOrEmpty(o));
        return first is null ? p.OpType : $"{p.OpType} -> '{first}'";
    }

    /// <summary>What the importer needs while it converts: where external data lives.</summary>
    private sealed class ImportContext(string? baseDirectory, string? filePath)
    {
        public string? BaseDirectory { get; } = baseDirectory;

        public string? FilePath { get; } = filePath;

        public HashSet<Value> ValueInfoNames { get; } = [];
    }
}
