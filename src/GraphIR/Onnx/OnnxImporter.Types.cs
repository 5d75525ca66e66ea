// Reads ONNX types and attributes into the IR.
using System.Collections.Immutable;
using Google.Protobuf;

namespace Onnxc.GraphIR.Onnx;

public static partial class OnnxImporter
{
    internal static IrType ConvertType(TypeProto t)
    {
        IrType type = t.ValueCase switch
        {
            TypeProto.ValueOneofCase.TensorType => new TensorType((ElementType)t.TensorType.ElemType, ConvertShape(t.TensorType.Shape)),
            TypeProto.ValueOneofCase.SparseTensorType => new SparseTensorType((ElementType)t.SparseTensorType.ElemType, ConvertShape(t.SparseTensorType.Shape)),
            TypeProto.ValueOneofCase.SequenceType => new SequenceType(t.SequenceType.ElemType is null ? null : ConvertType(t.SequenceType.ElemType)),
            TypeProto.ValueOneofCase.MapType => new MapType((ElementType)t.MapType.KeyType, t.MapType.ValueType is null ? null : ConvertType(t.MapType.ValueType)),
            TypeProto.ValueOneofCase.OptionalType => new OptionalType(t.OptionalType.ElemType is null ? null : ConvertType(t.OptionalType.ElemType)),
            _ => new UnknownType(),
        };
        return t.HasDenotation ? type with { Denotation = t.Denotation } : type;
    }

    private static TensorShape? ConvertShape(TensorShapeProto? shape) =>
        shape is null
            ? null
            : new TensorShape([.. shape.Dim.Select(d => new Dim(
                d.ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue ? d.DimValue : null,
                d.ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimParam ? d.DimParam : null,
                d.HasDenotation ? d.Denotation : null))]);

    /// <summary>
    /// Converts an attribute. Models from before IR version 3 have no <c>type</c> field; the kind is then taken from
    /// the one field that is set.
    /// </summary>
    private static NodeAttribute ConvertAttribute(AttributeProto a, Node? owner, Model model, ImportContext context)
    {
        AttributeKind kind = a.HasType && a.Type != AttributeProto.Types.AttributeType.Undefined
            ? (AttributeKind)(int)a.Type
            : GuessKind(a);
        var attribute = new NodeAttribute(a.Name ?? string.Empty, kind)
        {
            F = a.F,
            I = a.I,
            S = a.S,
            Floats = [.. a.Floats],
            Ints = [.. a.Ints],
            Strings = [.. a.Strings],
            RefAttrName = a.HasRefAttrName ? a.RefAttrName : null,
            DocString = a.HasDocString ? a.DocString : null,
            UnknownFields = OnnxUnknownFields.Extract(a),
        };

        if (a.T is not null)
        {
            attribute = attribute with { T = ConvertTensor(a.T, context) };
        }

        if (a.Tensors.Count > 0)
        {
            attribute = attribute with { Tensors = [.. a.Tensors.Select(t => ConvertTensor(t, context))] };
        }

        if (a.G is not null)
        {
            attribute = attribute with { G = ConvertSubgraph(a.G, owner, model, context) };
        }

        if (a.Graphs.Count > 0)
        {
            attribute = attribute with { Graphs = [.. a.Graphs.Select(g => ConvertSubgraph(g, owner, model, context))] };
        }

        if (a.Tp is not null)
        {
            attribute = attribute with { Tp = ConvertType(a.Tp) };
        }

        if (a.TypeProtos.Count > 0)
        {
            attribute = attribute with { TypeProtos = [.. a.TypeProtos.Select(ConvertType)] };
        }

        ImmutableArray<ByteString> sparse = [.. (a.SparseTensor is null ? [] : new[] { a.SparseTensor }).Concat(a.SparseTensors).Select(SparseBytes)];
        if (sparse.Length > 0)
        {
            attribute = attribute with { SparseTensors = sparse };
        }

        return attribute;
    }

    private static Graph ConvertSubgraph(GraphProto proto, Node? owner, Model model, ImportContext context)
    {
        Graph graph = model.CreateGraph(proto.Name ?? string.Empty);
        graph.ParentNode = owner;
        ConvertGraph(proto, graph, context);
        return graph;
    }

    private static AttributeKind GuessKind(AttributeProto a)
    {
        if (a.HasF)
        {
            return AttributeKind.Float;
        }

        if (a.HasI)
        {
            return AttributeKind.Int;
        }

        if (a.HasS)
        {
            return AttributeKind.String;
        }

        if (a.T is not null)
        {
            return AttributeKind.Tensor;
        }

        if (a.G is not null)
        {
            return AttributeKind.Graph;
        }

        if (a.SparseTensor is not null)
        {
            return AttributeKind.SparseTensor;
        }

        if (a.Tp is not null)
        {
            return AttributeKind.TypeProto;
        }

        if (a.Floats.Count > 0)
        {
            return AttributeKind.Floats;
        }

        if (a.Ints.Count > 0)
        {
            return AttributeKind.Ints;
        }

        if (a.Strings.Count > 0)
        {
            return AttributeKind.Strings;
        }

        if (a.Tensors.Count > 0)
        {
            return AttributeKind.Tensors;
        }

        if (a.Graphs.Count > 0)
        {
            return AttributeKind.Graphs;
        }

        if (a.SparseTensors.Count > 0)
        {
            return AttributeKind.SparseTensors;
        }

        return a.TypeProtos.Count > 0 ? AttributeKind.TypeProtos : AttributeKind.Undefined;
    }
}
