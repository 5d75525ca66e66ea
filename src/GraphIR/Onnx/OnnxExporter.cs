// Writes the IR as ONNX files: model, graphs, nodes and values (tensors, types and external data in partial files).
using Google.Protobuf;

namespace Onnxc.GraphIR.Onnx;

/// <summary>
/// IR to ONNX. Numeric tensors are written as raw_data (bit-exact); fields the IR carries as serialized messages
/// and unknown fields are written back as they came. Files are written to a temporary name in the target folder and
/// renamed into place, so a failure never leaves a partial output.
/// </summary>
public static partial class OnnxExporter
{
    /// <summary>The model as a ModelProto with all tensor data inline (external tensors are read into memory).</summary>
    public static ModelProto ToProto(Model model) => ToProto(model, externalWriter: null);

    private static ModelProto ToProto(Model model, ExternalDataWriter? externalWriter, bool sparseInitializers = false)
    {
        HashSet<string> sparse = sparseInitializers ? [.. SparseStorage.Plan(model).Select(e => e.Name)] : [];
        var writer = new ProtoWriter(externalWriter, model.Graph, sparse);
        var proto = new ModelProto
        {
            IrVersion = model.IrVersion,
            Graph = writer.Graph(model.Graph),
        };
        if (model.ProducerName is not null)
        {
            proto.ProducerName = model.ProducerName;
        }

        if (model.ProducerVersion is not null)
        {
            proto.ProducerVersion = model.ProducerVersion;
        }

        if (model.Domain is not null)
        {
            proto.Domain = model.Domain;
        }

        if (model.ModelVersion is long version)
        {
            proto.ModelVersion = version;
        }

        if (model.DocString is not null)
        {
            proto.DocString = model.DocString;
        }

        proto.OpsetImport.AddRange(model.Opsets.Select(Opset));
        proto.MetadataProps.AddRange(Metadata(model.Metadata));
        proto.TrainingInfo.AddRange(model.TrainingInfo.Select(TrainingInfoProto.Parser.ParseFrom));
        proto.Configuration.AddRange(model.DeviceConfigurations.Select(DeviceConfigurationProto.Parser.ParseFrom));
        proto.Functions.AddRange(model.Functions.Select(writer.Function));
        OnnxUnknownFields.Restore(proto, model.UnknownFields);
        return proto;
    }

    private static OperatorSetIdProto Opset(OpsetImport o) => new() { Domain = o.Domain, Version = o.Version };

    internal static IEnumerable<StringStringEntryProto> Metadata(IEnumerable<KeyValuePair<string, string>> entries) =>
        entries.Select(e => new StringStringEntryProto { Key = e.Key, Value = e.Value });

    /// <summary>Converts graphs, nodes and values; one instance per export.</summary>
    private sealed partial class ProtoWriter(ExternalDataWriter? externalWriter, Graph? mainGraph = null, IReadOnlySet<string>? sparse = null)
    {
        public GraphProto Graph(Graph graph)
        {
            var proto = new GraphProto { Name = graph.Name };
            if (graph.DocString is not null)
            {
                proto.DocString = graph.DocString;
            }

            foreach (Value init in graph.Initializers)
            {
                if (init.Initializer is { } data && graph == mainGraph && sparse?.Contains(init.Name) == true)
                {
                    proto.SparseInitializer.Add(SparseStorage.ToProto(init.Name, data));
                }
                else if (init.Initializer is { } dense)
                {
                    proto.Initializer.Add(Tensor(dense, init.Name, externalWriter));
                }
                else if (init.SparseInitializer is { } sparse)
                {
                    proto.SparseInitializer.Add(SparseTensorProto.Parser.ParseFrom(sparse));
                }
            }

            proto.Input.AddRange(graph.Inputs.Select(ValueInfo));
            foreach (Node node in graph.Nodes)
            {
                proto.Node.Add(Node(node));
            }

            proto.Output.AddRange(graph.Outputs.Select(ValueInfo));

            // value_info: what the source listed (types as now known), for values still in the graph.
            foreach (Node node in graph.Nodes)
            {
                foreach (Value? v in node.Outputs)
                {
                    if (v is not null && v.HadValueInfo && !v.IsGraphOutput)
                    {
                        proto.ValueInfo.Add(ValueInfo(v));
                    }
                }
            }

            foreach (Value v in graph.Initializers)
            {
                if (v.HadValueInfo && !v.IsGraphInput && !v.IsGraphOutput)
                {
                    proto.ValueInfo.Add(ValueInfo(v));
                }
            }

            proto.QuantizationAnnotation.AddRange(graph.QuantizationAnnotations.Select(TensorAnnotation.Parser.ParseFrom));
            proto.MetadataProps.AddRange(Metadata(graph.Metadata));
            OnnxUnknownFields.Restore(proto, graph.UnknownFields);
            return proto;
        }

        public FunctionProto Function(FunctionDef f)
        {
            var proto = new FunctionProto { Name = f.Name, Domain = f.Domain };
            if (f.Overload is not null)
            {
                proto.Overload = f.Overload;
            }

            if (f.DocString is not null)
            {
                proto.DocString = f.DocString;
            }

            proto.Input.AddRange(f.Body.Inputs.Select(v => v.Name));
            proto.Output.AddRange(f.Body.Outputs.Select(v => v.Name));
            proto.Attribute.AddRange(f.AttributeNames);
            proto.AttributeProto.AddRange(f.AttributeDefaults.Select(Attribute));
            proto.Node.AddRange(f.Body.Nodes.Select(Node));
            proto.OpsetImport.AddRange(f.Opsets.Select(Opset));
            foreach (Node node in f.Body.Nodes)
            {
                foreach (Value? v in node.Outputs)
                {
                    if (v is not null && v.HadValueInfo)
                    {
                        proto.ValueInfo.Add(ValueInfo(v));
                    }
                }
            }

            proto.MetadataProps.AddRange(Metadata(f.Metadata));
            OnnxUnknownFields.Restore(proto, f.UnknownFields);
            return proto;
        }

        private NodeProto Node(Node node)
        {
            var proto = new NodeProto { OpType = node.OpType };
            if (!string.IsNullOrEmpty(node.Name))
            {
                proto.Name = node.Name;
            }

            if (!string.IsNullOrEmpty(node.Domain))
            {
                proto.Domain = node.Domain;
            }

            if (node.Overload is not null)
            {
                proto.Overload = node.Overload;
            }

            if (node.DocString is not null)
            {
                proto.DocString = node.DocString;
            }

            proto.Input.AddRange(node.Inputs.Select(v => v?.Name ?? string.Empty));
            proto.Output.AddRange(node.Outputs.Select(v => v?.Name ?? string.Empty));
            proto.Attribute.AddRange(node.Attributes.Select(Attribute));
            proto.MetadataProps.AddRange(Metadata(node.Metadata));
            proto.DeviceConfigurations.AddRange(node.DeviceConfigurations.Select(NodeDeviceConfigurationProto.Parser.ParseFrom));
            OnnxUnknownFields.Restore(proto, node.UnknownFields);
            return proto;
        }

        private AttributeProto Attribute(NodeAttribute a)
        {
            var proto = new AttributeProto { Name = a.Name };
            if (a.Kind != AttributeKind.Undefined)
            {
                proto.Type = (AttributeProto.Types.AttributeType)(int)a.Kind;
            }

            if (a.RefAttrName is not null)
            {
                proto.RefAttrName = a.RefAttrName;
            }

            if (a.DocString is not null)
            {
                proto.DocString = a.DocString;
            }

            switch (a.Kind)
            {
                case AttributeKind.Float:
                    if (a.RefAttrName is null)
                    {
                        proto.F = a.F;
                    }

                    break;
                case AttributeKind.Int:
                    if (a.RefAttrName is null)
                    {
                        proto.I = a.I;
                    }

                    break;
                case AttributeKind.String:
                    if (a.RefAttrName is null)
                    {
                        proto.S = a.S;
                    }

                    break;
            }

            // Other kinds: every payload the attribute holds is written (usually just the one of its kind).
            if (a.T is not null)
            {
                proto.T = Tensor(a.T, a.T.Name, null);
            }

            if (a.G is not null)
            {
                proto.G = Graph(a.G);
            }

            if (a.Tp is not null)
            {
                proto.Tp = Type(a.Tp);
            }

            proto.Floats.AddRange(a.Floats);
            proto.Ints.AddRange(a.Ints);
            proto.Strings.AddRange(a.Strings);
            proto.Tensors.AddRange(a.Tensors.Select(t => Tensor(t, t.Name, null)));
            proto.Graphs.AddRange(a.Graphs.Select(Graph));
            proto.TypeProtos.AddRange(a.TypeProtos.Select(Type));
            if (a.Kind == AttributeKind.SparseTensor && a.SparseTensors.Length == 1)
            {
                proto.SparseTensor = SparseTensorProto.Parser.ParseFrom(a.SparseTensors[0]);
            }
            else
            {
                proto.SparseTensors.AddRange(a.SparseTensors.Select(SparseTensorProto.Parser.ParseFrom));
            }

            OnnxUnknownFields.Restore(proto, a.UnknownFields);
            return proto;
        }

        private static ValueInfoProto ValueInfo(Value v)
        {
            var proto = new ValueInfoProto { Name = v.Name };
            if (v.Type is not null)
            {
                proto.Type = Type(v.Type);
            }

            if (v.DocString is not null)
            {
                proto.DocString = v.DocString;
            }

            proto.MetadataProps.AddRange(Metadata(v.Metadata));
            OnnxUnknownFields.Restore(proto, v.ValueInfoUnknownFields);
            return proto;
        }
    }
}
