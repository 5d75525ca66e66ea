// Reads ONNX tensors into TensorData: typed fields to raw bytes, and external data with its safety checks.
using System.Buffers.Binary;
using System.Collections.Immutable;
using Google.Protobuf;

namespace Onnxc.GraphIR.Onnx;

public static partial class OnnxImporter
{
    /// <summary>Converts a TensorProto whose data is inline (external data has no folder to resolve against here).</summary>
    internal static TensorData ConvertInline(TensorProto t) => ConvertTensor(t, new ImportContext(null, null));

    /// <summary>Converts a TensorProto. Typed fields (float_data, int32_data, ...) become the equivalent raw bytes.</summary>
    private static TensorData ConvertTensor(TensorProto t, ImportContext context)
    {
        string label = string.IsNullOrEmpty(t.Name) ? "tensor" : $"tensor '{t.Name}'";
        if (!ElementTypes.IsDefined(t.DataType))
        {
            throw new InvalidModelException($"{label} has unknown data type {t.DataType}");
        }

        var type = (ElementType)t.DataType;
        ImmutableArray<long> dims = [.. t.Dims];
        long count;
        try
        {
            count = TensorData.CountElements(dims.AsSpan());
        }
        catch (ArgumentException e)
        {
            throw new InvalidModelException($"{label}: {e.Message}");
        }

        TensorStorage storage = t.DataLocation == TensorProto.Types.DataLocation.External
            ? ReadExternal(t, type, count, label, context)
            : ReadInline(t, type, count, label);
        return new TensorData(type, dims, storage)
        {
            Name = t.HasName ? t.Name : null,
            DocString = t.HasDocString ? t.DocString : null,
            Metadata = Metadata(t.MetadataProps),
            Segment = t.Segment is null ? null : (t.Segment.Begin, t.Segment.End),
            UnknownFields = OnnxUnknownFields.Extract(t),
        };
    }

    private static TensorStorage ReadInline(TensorProto t, ElementType type, long count, string label)
    {
        if (type == ElementType.String)
        {
            if (t.StringData.Count != count)
            {
                throw new InvalidModelException($"{label} has {t.StringData.Count} strings but its dims [{string.Join(",", t.Dims)}] need {count}");
            }

            return new StringTensorStorage([.. t.StringData.Select(s => s.Memory)]);
        }

        long expectedBytes = type.ByteCount(count);
        if (t.HasRawData)
        {
            if (t.RawData.Length != expectedBytes)
            {
                throw new InvalidModelException($"{label} has {t.RawData.Length} bytes of data but {type.OnnxName()}[{string.Join(",", t.Dims)}] needs {expectedBytes}");
            }

            return new MemoryTensorStorage(t.RawData.Memory);
        }

        byte[] bytes = TypedFieldsToRaw(t, type, count, expectedBytes, label);
        return new MemoryTensorStorage(bytes);
    }

    /// <summary>ONNX's typed fields, each element written as its little-endian raw form.</summary>
    private static byte[] TypedFieldsToRaw(TensorProto t, ElementType type, long count, long expectedBytes, string label)
    {
        if (expectedBytes > Array.MaxLength)
        {
            throw new InvalidModelException($"{label} is too large to hold inline");
        }

        var bytes = new byte[expectedBytes];
        int bits = type.BitsPerElement();
        long values;
        long expectedValues;
        switch (type)
        {
            case ElementType.Float or ElementType.Complex64:
                values = t.FloatData.Count;
                expectedValues = type == ElementType.Complex64 ? count * 2 : count;
                if (values == expectedValues)
                {
                    for (int i = 0; i < values; i++)
                    {
                        BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * 4), t.FloatData[i]);
                    }
                }

                break;
            case ElementType.Double or ElementType.Complex128:
                values = t.DoubleData.Count;
                expectedValues = type == ElementType.Complex128 ? count * 2 : count;
                if (values == expectedValues)
                {
                    for (int i = 0; i < values; i++)
                    {
                        BinaryPrimitives.WriteDoubleLittleEndian(bytes.AsSpan(i * 8), t.DoubleData[i]);
                    }
                }

                break;
            case ElementType.Int64:
                values = t.Int64Data.Count;
                expectedValues = count;
                if (values == expectedValues)
                {
                    for (int i = 0; i < values; i++)
                    {
                        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(i * 8), t.Int64Data[i]);
                    }
                }

                break;
            case ElementType.UInt32 or ElementType.UInt64:
                values = t.Uint64Data.Count;
                expectedValues = count;
                if (values == expectedValues)
                {
                    for (int i = 0; i < values; i++)
                    {
                        if (type == ElementType.UInt32)
                        {
                            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(i * 4), (uint)t.Uint64Data[i]);
                        }
                        else
                        {
                            BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(i * 8), t.Uint64Data[i]);
                        }
                    }
                }

                break;
            default:
                // INT32 and everything narrower travel in int32_data: one element per entry, except sub-byte types,
                // whose entries each hold one already-packed byte.
                values = t.Int32Data.Count;
                expectedValues = bits < 8 ? expectedBytes : count;
                if (values == expectedValues)
                {
                    int width = Math.Max(1, bits / 8);
                    for (int i = 0; i < values; i++)
                    {
                        int v = t.Int32Data[i];
                        switch (width)
                        {
                            case 1:
                                bytes[i] = (byte)v;
                                break;
                            case 2:
                                BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(i * 2), (ushort)v);
                                break;
                            default:
                                BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(i * 4), v);
                                break;
                        }
                    }
                }

                break;
        }

        if (values != expectedValues)
        {
            throw new InvalidModelException(
                values == 0 && expectedValues > 0
                    ? $"{label} has no data but its dims [{string.Join(",", t.Dims)}] need {count} {type.OnnxName()} values"
                    : $"{label} has {values} values but its dims [{string.Join(",", t.Dims)}] need {expectedValues}");
        }

        return bytes;
    }

    /// <summary>
    /// Resolves external data. The location must be relative, must not climb out with "..", and must not resolve
    /// (through symbolic links anywhere on its path) to a file outside the model's folder: a model file must not be
    /// able to make onnxc read arbitrary files.
    /// </summary>
    private static ExternalTensorStorage ReadExternal(TensorProto t, ElementType type, long count, string label, ImportContext context)
    {
        string? location = null;
        long offset = 0;
        long? length = null;
        string? checksum = null;
        foreach (StringStringEntryProto e in t.ExternalData)
        {
            switch (e.Key)
            {
                case "location":
                    location = e.Value;
                    break;
                case "offset":
                    offset = ParseLong(e.Value, "offset", label);
                    break;
                case "length":
                    length = ParseLong(e.Value, "length", label);
                    break;
                case "checksum":
                    checksum = e.Value;
                    break;
            }
        }

        if (string.IsNullOrEmpty(location))
        {
            throw new InvalidModelException($"{label} is marked EXTERNAL but has no location");
        }

        if (context.BaseDirectory is null)
        {
            throw new InvalidModelException($"{label} has external data but the model was not loaded from a file");
        }

        if (type == ElementType.String)
        {
            throw new InvalidModelException($"{label}: STRING tensors cannot be stored externally");
        }

        string fullPath = ExternalDataPaths.Resolve(context.BaseDirectory, location, label);
        long expected = type.ByteCount(count);
        long dataLength = length ?? expected;
        if (dataLength != expected)
        {
            throw new InvalidModelException($"{label} has {dataLength} bytes of external data but {type.OnnxName()}[{string.Join(",", t.Dims)}] needs {expected}");
        }

        long fileLength = new FileInfo(fullPath).Length;
        if (offset < 0 || offset > fileLength || dataLength > fileLength - offset)
        {
            throw new InvalidModelException($"{label}: external data (offset {offset}, length {dataLength}) runs past the end of '{location}' ({fileLength} bytes)");
        }

        return new ExternalTensorStorage(fullPath, offset, dataLength, location, checksum);
    }

    private static long ParseLong(string text, string key, string label) =>
        long.TryParse(text, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out long v) && v >= 0
            ? v
            : throw new InvalidModelException($"{label}: external data {key} '{text}' is not a non-negative integer");

    /// <summary>Converts a sparse tensor held by an attribute into its serialized form (kept opaque).</summary>
    private static ByteString SparseBytes(SparseTensorProto s) => s.ToByteString();
}
