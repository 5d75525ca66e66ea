// Writes tensors and types as ONNX messages.
using Google.Protobuf;

namespace Onnxc.GraphIR.Onnx;

public static partial class OnnxExporter
{
    /// <summary>
    /// A TensorProto for <paramref name="data"/> under <paramref name="name"/>. With an external writer the bytes may
    /// go to the external file instead (decided by the writer); without one they are inline, read from disk if needed.
    /// </summary>
    private static TensorProto Tensor(TensorData data, string? name, ExternalDataWriter? external)
    {
        var proto = new TensorProto { DataType = (int)data.ElementType };
        proto.Dims.AddRange(data.Dims);
        if (name is not null)
        {
            proto.Name = name;
        }

        if (data.DocString is not null)
        {
            proto.DocString = data.DocString;
        }

        if (data.Segment is { } segment)
        {
            proto.Segment = new TensorProto.Types.Segment { Begin = segment.Begin, End = segment.End };
        }

        if (data.Storage is StringTensorStorage strings)
        {
            proto.StringData.AddRange(strings.Strings.Select(s => UnsafeByteOperations.UnsafeWrap(s)));
        }
        else if (external is not null && external.Accepts(data))
        {
            (string location, long offset, long length) = external.Write(data);
            proto.DataLocation = TensorProto.Types.DataLocation.External;
            proto.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = location });
            proto.ExternalData.Add(new StringStringEntryProto { Key = "offset", Value = offset.ToString(System.Globalization.CultureInfo.InvariantCulture) });
            proto.ExternalData.Add(new StringStringEntryProto { Key = "length", Value = length.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        }
        else
        {
            proto.RawData = UnsafeByteOperations.UnsafeWrap(data.GetBytes());
        }

        proto.MetadataProps.AddRange(Metadata(data.Metadata));
        OnnxUnknownFields.Restore(proto, data.UnknownFields);
        return proto;
    }

    internal static TypeProto Type(IrType type)
    {
        var proto = new TypeProto();
        switch (type)
        {
            case TensorType t:
                proto.TensorType = new TypeProto.Types.Tensor { ElemType = (int)t.ElementType };
                if (t.Shape is not null)
                {
                    proto.TensorType.Shape = Shape(t.Shape);
                }

                break;
            case SparseTensorType s:
                proto.SparseTensorType = new TypeProto.Types.SparseTensor { ElemType = (int)s.ElementType };
                if (s.Shape is not null)
                {
                    proto.SparseTensorType.Shape = Shape(s.Shape);
                }

                break;
            case SequenceType q:
                proto.SequenceType = new TypeProto.Types.Sequence();
                if (q.ElementType is not null)
                {
                    proto.SequenceType.ElemType = Type(q.ElementType);
                }

                break;
            case MapType m:
                proto.MapType = new TypeProto.Types.Map { KeyType = (int)m.KeyType };
                if (m.ValueType is not null)
                {
                    proto.MapType.ValueType = Type(m.ValueType);
                }

                break;
            case OptionalType o:
                proto.OptionalType = new TypeProto.Types.Optional();
                if (o.ElementType is not null)
                {
                    proto.OptionalType.ElemType = Type(o.ElementType);
                }

                break;
        }

        if (type.Denotation is not null)
        {
            proto.Denotation = type.Denotation;
        }

        return proto;
    }

    private static TensorShapeProto Shape(TensorShape shape)
    {
        var proto = new TensorShapeProto();
        foreach (Dim d in shape.Dims)
        {
            var dim = new TensorShapeProto.Types.Dimension();
            if (d.Value is long v)
            {
                dim.DimValue = v;
            }
            else if (d.Param is not null)
            {
                dim.DimParam = d.Param;
            }

            if (d.Denotation is not null)
            {
                dim.Denotation = d.Denotation;
            }

            proto.Dim.Add(dim);
        }

        return proto;
    }
}
